"""The README is the truth: every command and option is documented, and CI runs the README's
own test command."""

from __future__ import annotations

import re
from typing import Any

import typer

from conftest import REPO
from mlsd_coach.cli.main import app

README = (REPO / "README.md").read_text(encoding="utf-8")


CommandLine = tuple[str, ...]  # ("mlsd", "cases", "list")
_WORD = re.compile(r"[a-z][a-z-]*")


def command_options(group: Any, path: CommandLine = ("mlsd",)) -> dict[CommandLine, list[str]]:
    """Every command and group of the real CLI with the long options it takes (not --help).
    `group` is a Click command (Typer vendors its own Click, hence `Any`)."""
    options = [
        flag
        for param in group.params
        if param.param_type_name == "option"
        for flag in param.opts
        if flag.startswith("--") and flag != "--help"
    ]
    found = {path: options}
    for name, command in getattr(group, "commands", {}).items():
        found.update(command_options(command, (*path, name)))
    return found


def documented_rows(readme: str) -> dict[CommandLine, str]:
    """The README's command table: for each command line a row names, that row's first cell.
    `mlsd config show \\| test` documents two commands; a root row (`mlsd --version`) adds to
    the other root rows."""
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows: dict[CommandLine, str] = {}
    for cell in re.findall(r"^\| `(mlsd[^`]*)` \|", table, re.M):
        for command in _command_lines(cell):
            rows[command] = f"{rows.get(command, '')} {cell}".strip()
    return rows


def _command_lines(cell: str) -> list[CommandLine]:
    words: list[str] = []
    alternatives: list[str] = []
    for token in cell.split():
        if token == "\\|":
            alternatives.append(words.pop())
        elif _WORD.fullmatch(token):
            words.append(token)
        else:
            break
    if alternatives:
        alternatives.append(words.pop())
        return [(*words, name) for name in alternatives]
    return [tuple(words)]


def undocumented(readme: str, cli: dict[CommandLine, list[str]]) -> list[str]:
    """What the README's command table leaves out: a command without a row, or an option its
    row does not name."""
    rows = documented_rows(readme)
    missing = []
    for command, options in cli.items():
        is_group = any(other[: len(command)] == command for other in cli if other != command)
        row = rows.get(command)
        if row is None:
            if not is_group or options:
                missing.append(f"`{' '.join(command)}` has no row")
            continue
        missing.extend(
            f"`{' '.join(command)}` row does not name {option}"
            for option in options
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", row)
        )
    return missing


CLI = command_options(typer.main.get_command(app))


def test_every_command_has_a_readme_row_naming_each_of_its_options():
    assert len(CLI) >= 16  # the commands and groups are found at all
    assert undocumented(README, CLI) == []


def test_dropping_an_option_from_one_row_is_caught():
    row = "| `mlsd cases list [--json]` |"
    assert row in README
    mutated = README.replace(row, "| `mlsd cases list` |")
    assert newly_undocumented(mutated) == ["`mlsd cases list` row does not name --json"]


def test_a_command_without_a_row_is_caught():
    mutated = re.sub(r"^\| `mlsd history[^\n]*\n", "", README, flags=re.M)
    assert newly_undocumented(mutated) == ["`mlsd history` has no row"]


def newly_undocumented(mutated_readme: str) -> list[str]:
    """What the checker finds in a mutated README that it does not find in the real one."""
    before = set(undocumented(README, CLI))
    return [problem for problem in undocumented(mutated_readme, CLI) if problem not in before]


def test_a_row_naming_two_subcommands_documents_both():
    rows = documented_rows(README)
    assert ("mlsd", "config", "show") in rows and ("mlsd", "config", "test") in rows


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick_start, re.S)
    assert len(blocks) == 2 and all("\n" not in block for block in blocks)
    install_and_run, install_and_test = blocks
    assert "pip install" in install_and_run and "mlsd " in install_and_run
    assert "pip install" in install_and_test and "pytest" in install_and_test
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
