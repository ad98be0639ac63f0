"""The README is the truth: every command and option is documented, and CI runs the README's
own test command."""

from __future__ import annotations

import re

import typer

from conftest import REPO
from mlsd_coach.cli.main import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands(group, prefix: str = "mlsd"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from commands(command, path)
        else:
            yield path, command


def test_every_command_and_option_is_in_the_readme():
    root = typer.main.get_command(app)
    for option in root.params:
        for flag in option.opts:
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"`mlsd {flag}` is not documented"
    found = list(commands(root))
    assert len(found) >= 12
    for path, command in found:
        assert path in README, f"`{path}` is not in the README"
        for option in command.params:
            for flag in option.opts:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"`{path} {flag}` is not documented"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick_start, re.S)
    assert len(blocks) == 2 and all("\n" not in block for block in blocks)
    install_and_run, install_and_test = blocks
    assert "pip install" in install_and_run and "mlsd " in install_and_run
    assert "pip install" in install_and_test and "pytest" in install_and_test
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
