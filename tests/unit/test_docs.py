"""Every CLI command, option and setting is documented in the README (sqlite-utils test_docs style)."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

from refugewatch.cli import app
from refugewatch.config import SETTINGS_DOC
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = typer.main.get_command(app)
assert isinstance(COMMAND, TyperGroup)
COMMANDS = sorted(COMMAND.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_cli_reference(name: str) -> None:
    assert re.search(rf"`refugewatch {name}\b", README), f"README lacks `refugewatch {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = COMMAND.commands[name]
    assert command.help and len(command.help) > 15
    for param in command.params:
        if isinstance(param, TyperOption):
            assert param.help, f"{name} {param.opts} has no help text"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name in COMMANDS
        for param in COMMAND.commands[name].params
        if isinstance(param, TyperOption)
        for opt in [*param.opts, *param.secondary_opts]
        if opt.startswith("--") and opt != "--help"
    ],
)
def test_long_options_are_in_the_readme(name: str, option: str) -> None:
    assert option in README, f"README does not mention {option} of `refugewatch {name}`"


@pytest.mark.parametrize("variable", sorted(SETTINGS_DOC))
def test_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


def test_readme_gives_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
