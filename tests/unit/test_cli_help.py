"""`hub --help` teaches the command line: every command and every option says what it is for,
the values an option takes are listed from their declarations, and asking for help loads
neither Dagster nor the demo."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from orchestration import cli
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR
from orchestration.trust.governance import load_governance

REPO_ROOT = Path(__file__).resolve().parents[2]


def commands(
    parser: argparse.ArgumentParser, name: str = "hub"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(the command as typed, its parser) for `parser` and every command below it."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for word, sub in action.choices.items():
                yield from commands(sub, f"{name} {word}")


def said(parser: argparse.ArgumentParser) -> str:
    return " ".join(parser.format_help().split())


def subcommand(*words: str) -> argparse.ArgumentParser:
    return dict(commands(cli.parser()))[" ".join(("hub", *words))]


def test_every_command_has_a_line_in_the_help_above_it():
    unexplained = []
    for name, parser in commands(cli.parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                explained = {c.dest for c in action._choices_actions if (c.help or "").strip()}
                unexplained += [
                    f"{name} {word}" for word in action.choices if word not in explained
                ]

    assert not unexplained, f"commands without help: {unexplained}"


def test_every_option_and_argument_says_what_it_takes():
    unexplained = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, parser in commands(cli.parser())
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and not (action.help or "").strip()
    ]

    assert not unexplained, f"options and arguments without help: {unexplained}"


def test_the_demo_is_no_hub_command():
    names = {name for name, _ in commands(cli.parser())}

    assert "hub demo" not in names and "hub seed-demo" not in names
    assert {"hub status", "hub materialize", "hub heatmap", "hub contributor keys"} <= names


def test_the_help_names_the_declared_roles_purposes_and_data_sets():
    governance = load_governance()
    extract = said(subcommand("extract"))
    materialize = said(subcommand("materialize"))

    for name in (*governance.roles, *governance.purposes):
        assert name in extract
    for spec in load_source_specs(DBT_PROJECT_DIR):
        assert spec.name in materialize
    assert "{full_refresh}" in materialize


def test_the_jobs_offered_are_the_code_locations_jobs():
    from orchestration.automation.jobs import jobs

    assert set(cli.JOBS) == {job.name for job in jobs().jobs}


def test_asking_for_help_loads_neither_dagster_nor_the_demo():
    program = (
        "import sys\n"
        "from orchestration import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'dagster', 'dagster_dbt', 'dbt', 'duckdb', 'infra', 'matplotlib'})\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO_ROOT
    )

    assert completed.returncode == 0, completed.stderr
    assert "materialize" in completed.stdout


def test_the_hub_command_imports_nothing_of_the_demo():
    program = (
        "import orchestration.cli, sys; "
        "assert not any(m.startswith('infra') for m in sys.modules), "
        "[m for m in sys.modules if m.startswith('infra')]"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO_ROOT
    )

    assert completed.returncode == 0, completed.stderr


def test_the_demo_runs_as_a_module_and_says_what_it_takes():
    completed = subprocess.run(
        [sys.executable, "-m", "infra.demo", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )

    assert completed.returncode == 0, completed.stderr
    for option in ("--scale", "--seed", "--seed-only"):
        assert option in completed.stdout
