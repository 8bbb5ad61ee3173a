"""The house's rules, read from the code: each concern is one package of orchestration/, the
packages depend on each other one way, and the runtime never reaches into infra/ (the demo
estate and the benchmarks)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ORCHESTRATION = Path(__file__).resolve().parents[2] / "orchestration"
CONCERNS = (
    "automation",
    "engineering",
    "landing",
    "platform",
    "publishing",
    "transform",
    "trust",
)


def imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
    return modules


def package_of(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def dependencies(root: Path = ORCHESTRATION) -> dict[str, set[str]]:
    """For each package (or top-level module) of orchestration/, what it imports from the
    others, and from infra/ as 'infra.<module>'."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        package = package_of(path, root)
        needs = graph.setdefault(package, set())
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "orchestration" and len(parts) > 1 and parts[1] != package:
                needs.add(parts[1])
            elif parts[0] == "infra":
                needs.add(module)
    return graph


def test_every_concern_is_a_package_with_its_own_description():
    for concern in CONCERNS:
        init = ORCHESTRATION / concern / "__init__.py"
        assert init.is_file(), f"orchestration/{concern}/ is not a package"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init} says nothing of itself"
    assert not (ORCHESTRATION / "lib").exists() and not (ORCHESTRATION / "defs").exists()


def test_the_concerns_depend_on_each_other_one_way():
    graph = dependencies()
    concerns = {name: {need for need in graph[name] if need in CONCERNS} for name in CONCERNS}
    try:
        order = list(TopologicalSorter(concerns).static_order())
    except CycleError as error:
        pytest.fail(f"packages import each other: {' -> '.join(error.args[1])}")
    assert order[0] == "platform" and not concerns["platform"], (
        f"platform is what every concern runs on and imports none: {concerns['platform']}"
    )


def test_the_runtime_imports_nothing_from_infra():
    reaching = {
        package: sorted(need for need in needs if need.startswith("infra"))
        for package, needs in dependencies().items()
    }
    assert not {package: needs for package, needs in reaching.items() if needs}


def test_the_rules_catch_a_cycle_and_an_import_from_infra(tmp_path):
    for package, source in (
        ("landing", "from orchestration.trust import withdrawals\n"),
        ("trust", "from orchestration.landing import landing\nimport infra.demo\n"),
    ):
        (tmp_path / package).mkdir()
        (tmp_path / package / "module.py").write_text(source)
    graph = dependencies(tmp_path)
    assert graph == {"landing": {"trust"}, "trust": {"landing", "infra.demo"}}
    with pytest.raises(CycleError):
        list(TopologicalSorter(graph).static_order())
