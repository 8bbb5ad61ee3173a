"""Find a source's GE suite by name: `expectations/<layer>/<source>.py`.

A data engineer adds a source's rules by adding that module with `gx_suite()` (a list of GX
expectations); nothing else is registered anywhere. A source without a module, or a module
without `gx_suite`, has no suite, and the look-up says None. The pandera check needs no
module: its schema is derived from the declaration (`expectations.pandera_gate`).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

PACKAGE = "expectations"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class GateDefinitionError(ValueError):
    """A gate module exists but does not define its gate as the registry expects."""


def declared_gates(layer: str, source: str) -> set[str]:
    """The gates the gate module defines (`gx_suite`, or nothing), read from its source.

    Reading the module's syntax rather than importing it keeps Great Expectations (seconds of
    import time) out of loading the code location; it loads when a gate runs.
    """
    spec = importlib.util.find_spec(f"{PACKAGE}.{_checked(layer, 'layer')}")
    if spec is None or not spec.submodule_search_locations:
        return set()
    path = Path(next(iter(spec.submodule_search_locations))) / f"{_checked(source, 'source')}.py"
    if not path.exists():
        return set()
    names = {
        node.name
        for node in ast.parse(path.read_text(), str(path)).body
        if isinstance(node, ast.FunctionDef)
    }
    return names & {"gx_suite"}


def suite_for(layer: str, source: str) -> list[Expectation] | None:
    """The GX suite for `source` in `layer`, or None when the source has none."""
    from great_expectations.expectations import Expectation

    module = _gate_module(layer, source)
    build = getattr(module, "gx_suite", None)
    if build is None:
        return None
    suite = list(build())
    if not all(isinstance(expectation, Expectation) for expectation in suite):
        raise GateDefinitionError(
            f"{module.__file__}: gx_suite() must return GX expectations, got "
            f"{sorted({type(item).__name__ for item in suite})}"
        )
    return suite


def sources_with_gates(layer: str) -> list[str]:
    """Every source with a gate module in `layer`, sorted."""
    package = _import(f"{PACKAGE}.{_checked(layer, 'layer')}")
    if package is None:
        return []
    return sorted(
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if not module.name.startswith("_") and not module.ispkg
    )


def _gate_module(layer: str, source: str) -> ModuleType | None:
    return _import(f"{PACKAGE}.{_checked(layer, 'layer')}.{_checked(source, 'source')}")


def _checked(name: str, kind: str) -> str:
    # Names become module paths: refuse anything that could reach outside the package.
    if not _NAME.match(name):
        raise ValueError(f"{kind} {name!r} is not a gate name (lowercase letters, digits, _)")
    return name


def _import(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the gate module (or its layer) being absent means "no gate"; a gate module
        # that fails on its own imports is a bug to report.
        if error.name is not None and f"{module_name}.".startswith(f"{error.name}."):
            return None
        raise
