"""The documentation a newcomer reads: the site builds as `make test` builds it, with every link
and anchor sound; the README stays a five-minute page; and every `hub` and `make` command the
pages show exists, with the options they give it."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
MAKEFILE = REPO_ROOT / "Makefile"
README_MAX_LINES = 250

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
COMMAND_SUBSTITUTION = re.compile(r"\$\(([^()]*)\)")
MARKDOWN_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
SEPARATORS = {"&&", "||", ";", "|"}


@dataclass(frozen=True)
class Command:
    """One command line shown in a page: where, and its words after the program's name."""

    where: str
    text: str
    program: str
    words: tuple[str, ...]


def pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def _where(page: Path, line_number: int, root: Path = REPO_ROOT) -> str:
    return f"{page.relative_to(root)}:{line_number}"


def shown_lines(page: Path) -> list[tuple[str, str]]:
    """(where, text) of every shell line in the page's code blocks (continuations joined, the
    `$ ` prompt dropped) and of every inline code span outside them."""
    shown = []
    in_block = False
    pending, pending_where = "", ""
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        if FENCE.match(line):
            in_block = not in_block
            continue
        if not in_block:
            shown += [(_where(page, number), span) for span in INLINE_CODE.findall(line)]
            continue
        text = line.strip()
        if not pending:
            pending_where = _where(page, number)
            text = text.removeprefix("$ ")
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        shown.append((pending_where, pending + text))
        pending = ""
    return shown


def commands_in(where: str, text: str) -> list[Command]:
    """The commands of one shown line: each part of a `&&` or `;` chain, and what runs inside a
    `$(...)`. A line that is not a command (output, YAML, prose) gives none."""
    found = []
    for inner in COMMAND_SUBSTITUTION.findall(text):
        found += commands_in(where, inner)
    text = COMMAND_SUBSTITUTION.sub("SUBSTITUTED", text)
    try:
        words = shlex.split(text, comments=True)
    except ValueError:  # an unclosed quote: a snippet of Python or SQL, not a command line
        return found
    part: list[str] = []
    for word in [*words, ";"]:
        if word not in SEPARATORS:
            part.append(word)
            continue
        if part[:2] == ["uv", "run"]:
            part = part[2:]
        if part and (part[0] in ("hub", "make") or part[0].endswith("/hub")):
            program = "make" if part[0] == "make" else "hub"
            found.append(Command(where, text, program, tuple(part[1:])))
        part = []
    return found


def shown_commands(program: str) -> list[Command]:
    return [
        command
        for page in pages()
        for where, text in shown_lines(page)
        for command in commands_in(where, text)
        if command.program == program
    ]


# --- the site -------------------------------------------------------------------------------


def make_recipes() -> dict[str, list[str]]:
    """Each Makefile target with its recipe lines."""
    recipes: dict[str, list[str]] = {}
    current: list[str] = []
    for line in MAKEFILE.read_text().splitlines():
        if line.startswith("\t"):
            current.append(line.strip())
        elif rule := re.match(r"^([^\s#=:][^=:]*):(?!=)", line):
            current = []
            for target in rule.group(1).split():
                recipes[target] = current
        elif line.strip():
            current = []
    return recipes


def site_build_of_make_test(site_dir: Path) -> list[str]:
    """The documentation build `make test` runs, as a command for this interpreter."""
    lines = [line for line in make_recipes().get("test", []) if "mkdocs build" in line]
    assert lines, "the Makefile's test target does not build the documentation site"
    words = shlex.split(lines[0].lstrip("@-"))
    arguments = words[words.index("mkdocs") + 1 :]
    assert "--strict" in arguments, f"`make test` builds the site without --strict: {lines[0]}"
    if "--site-dir" in arguments:
        arguments[arguments.index("--site-dir") + 1] = str(site_dir)
    else:
        arguments += ["--site-dir", str(site_dir)]
    return [sys.executable, "-m", "mkdocs", *arguments]


def build(command: list[str], project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)


def test_the_site_builds_strictly_as_make_test_builds_it(tmp_path: Path):
    site = tmp_path / "site"
    done = build(site_build_of_make_test(site), REPO_ROOT)

    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "index.html").exists()
    for page in sorted(DOCS.rglob("*.md")):
        relative = page.relative_to(DOCS).with_suffix("")
        built = site / ("index.html" if relative.name == "index" else f"{relative}/index.html")
        assert built.exists(), f"{page.relative_to(REPO_ROOT)} was not built"


def test_a_broken_anchor_fails_the_build_of_make_test(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(DOCS, project / "docs")
    shutil.copy(REPO_ROOT / "mkdocs.yml", project / "mkdocs.yml")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + "\n[gone](reference.md#no-such-section)\n")

    done = build(site_build_of_make_test(tmp_path / "site"), project)

    assert done.returncode != 0
    assert "no-such-section" in done.stdout + done.stderr


# --- the README ------------------------------------------------------------------------------


def test_the_readme_is_read_in_five_minutes():
    lines = README.read_text().splitlines()
    assert len(lines) < README_MAX_LINES, (
        f"README.md has {len(lines)} lines; keep it under {README_MAX_LINES} and move the "
        "detail into a guide in docs/"
    )


def heading_anchors(page: Path) -> set[str]:
    from markdown.extensions.toc import slugify  # the anchors mkdocs gives headings

    anchors = set()
    in_block = False
    for line in page.read_text().splitlines():
        if FENCE.match(line):
            in_block = not in_block
        elif not in_block and (heading := re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))
            anchors.add(slugify(re.sub(r"[`*]", "", text), "-"))
    return anchors


def broken_links(page: Path, root: Path = REPO_ROOT) -> list[str]:
    """Each relative link of the page whose file, or whose heading in a Markdown file, is not
    there."""
    problems = []
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        for target in MARKDOWN_LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve()
            where = _where(page, number, root)
            if not linked.exists():
                problems.append(f"{where}: {target}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked):
                problems.append(f"{where}: {target}: no heading #{anchor}")
    return problems


def test_every_link_of_the_readme_leads_to_a_page_that_is_there():
    links = [target for target in MARKDOWN_LINK.findall(README.read_text())]
    assert any(target.startswith("docs/") for target in links), "README.md links to no guide"
    problems = broken_links(README)

    assert not problems, "\n".join(problems)


# --- the commands ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub_parser() -> argparse.ArgumentParser:
    """The `hub` command's own parser, as `orchestration.cli.main` builds it."""
    from orchestration import cli

    class Built(Exception):
        def __init__(self, parser: argparse.ArgumentParser):
            self.parser = parser

    def stop_at_parsing(parser, *args, **kwargs):
        raise Built(parser)

    with (
        mock.patch.object(argparse.ArgumentParser, "parse_known_args", stop_at_parsing),
        pytest.raises(Built) as built,
    ):
        cli.main([])
    return built.value.parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def hub_command_problems(parser: argparse.ArgumentParser, command: Command) -> list[str]:
    """What in the command `hub` would refuse: an unknown command or sub-command, an option
    the command does not take, or a value outside an option's choices."""
    said = f"{command.where}: `{command.text}`"
    words = list(command.words)
    name = "hub"
    while (subcommands := _subcommands(parser)) and words:
        if words[0].startswith("-"):
            # a switch of the command itself, before its sub-command (`hub --quiet status`)
            switches = {o for a in parser._actions if a.nargs == 0 for o in a.option_strings}
            if words[0] not in switches:
                break
            words.pop(0)
            continue
        if words[0].startswith("<"):  # a placeholder: `hub --quiet <command>`
            return []
        word = words.pop(0)
        if word not in subcommands:
            known = ", ".join(sorted(subcommands))
            return [f"{said}: `{name} {word}` is not a command; `{name}` takes: {known}"]
        parser, name = subcommands[word], f"{name} {word}"
    problems = []
    choosing = [
        a
        for a in parser._actions
        if not a.option_strings and a.choices and not isinstance(a, argparse._SubParsersAction)
    ]
    if choosing and words and not words[0].startswith("-") and words[0] not in choosing[0].choices:
        known = ", ".join(choosing[0].choices)
        problems.append(f"{said}: `{name} {words[0]}` is not a command; `{name}` takes: {known}")
    options = {option: a for a in parser._actions for option in a.option_strings}
    for position, word in enumerate(words):
        option = word.strip("[]()").split("=", 1)[0]
        if not option.startswith("-") or option == "-":
            continue
        if option not in options:
            known = ", ".join(sorted(options))
            problems.append(f"{said}: `{name}` takes no option {option}; it takes: {known}")
            continue
        choices = options[option].choices
        value = word.split("=", 1)[1] if "=" in word else None
        if value is None and position + 1 < len(words) and options[option].nargs != 0:
            value = words[position + 1]
        if choices and value is not None and value.strip("[]()") not in choices:
            problems.append(f"{said}: {option} takes one of {', '.join(choices)}, not {value}")
    return problems


def test_every_hub_command_the_pages_show_exists_with_its_options(hub_parser):
    commands = shown_commands("hub")
    shown = {" ".join(command.words[:2]) for command in commands}
    assert {"audit verify", "contributor keys", "materialize --data-set"} <= shown, (
        "the pages' hub commands were not found; has the way they are written changed?"
    )

    problems = [p for command in commands for p in hub_command_problems(hub_parser, command)]

    assert not problems, "\n".join(problems)


def make_target_problems(command: Command, targets: set[str]) -> list[str]:
    return [
        f"{command.where}: `{command.text}`: the Makefile has no target {word}"
        for word in command.words
        if not word.startswith("-") and "=" not in word and word not in targets
    ]


def test_every_make_target_the_pages_show_is_in_the_makefile():
    targets = set(make_recipes())
    commands = shown_commands("make")
    assert {"demo", "test"} <= {word for command in commands for word in command.words}

    problems = [p for command in commands for p in make_target_problems(command, targets)]

    assert not problems, "\n".join(problems)


# --- the checks themselves fail where they should -------------------------------------------


def test_an_invented_command_option_or_choice_is_found(hub_parser):
    def problems(text: str) -> list[str]:
        return [
            problem
            for command in commands_in("page.md:1", text)
            for problem in hub_command_problems(hub_parser, command)
        ]

    assert problems(".venv/bin/hub heatmap --format json") == []
    assert problems('eval "$(.venv/bin/hub contributor keys tx_dfps)"') == []
    assert "not a command" in problems(".venv/bin/hub reticulate --fast")[0]
    assert "not a command" in problems("hub contributor grant tx_dfps")[0]
    assert "not a command" in problems("hub audit verfy")[0]
    assert "no option --data-sett" in problems("hub materialize --data-sett screenings")[0]
    assert "not xml" in problems("hub query 'show tables' --format xml")[0]
    assert "no option --fresh" in problems("hub prepare && hub materialize --fresh")[0]


def test_a_target_the_makefile_lacks_is_found():
    (command,) = commands_in("page.md:1", "make publish   # not a target")

    assert make_target_problems(command, set(make_recipes())) == [
        "page.md:1: `make publish   # not a target`: the Makefile has no target publish"
    ]


def test_a_link_to_a_missing_page_or_heading_is_found(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n## The object store\n")
    page = tmp_path / "README.md"
    page.write_text(
        "[ok](docs/guide.md#the-object-store) [gone](docs/gone.md) "
        "[moved](docs/guide.md#configuration)\n"
    )

    assert broken_links(page, root=tmp_path) == [
        "README.md:1: docs/gone.md: no such file",
        "README.md:1: docs/guide.md#configuration: no heading #configuration",
    ]
