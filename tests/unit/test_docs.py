"""Every CLI command, option and setting is documented in the README (sqlite-utils test_docs style)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

from refugewatch.cli import app
from refugewatch.config import SETTINGS_DOC
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ROOT_COMMAND = typer.main.get_command(app)
assert isinstance(ROOT_COMMAND, TyperGroup)


def _walk(group: TyperGroup, prefix: str = "") -> Iterator[tuple[str, object]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, TyperGroup):
            yield from _walk(command, path + " ")


COMMANDS = dict(_walk(ROOT_COMMAND))
LEAVES = sorted(p for p, c in COMMANDS.items() if not isinstance(c, TyperGroup))


@pytest.mark.parametrize("path", LEAVES)
def test_command_is_in_the_cli_reference(path: str) -> None:
    assert re.search(rf"`refugewatch {re.escape(path)}\b", README), (
        f"README lacks `refugewatch {path}`"
    )


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_has_help(path: str) -> None:
    command = COMMANDS[path]
    assert getattr(command, "help", None) and len(command.help) > 15  # type: ignore[attr-defined]
    for param in getattr(command, "params", []):
        if isinstance(param, TyperOption):
            assert param.help, f"{path} {param.opts} has no help text"


@pytest.mark.parametrize(
    ("path", "option"),
    [
        (path, opt)
        for path in LEAVES
        for param in getattr(COMMANDS[path], "params", [])
        if isinstance(param, TyperOption)
        for opt in [*param.opts, *param.secondary_opts]
        if opt.startswith("--") and opt != "--help"
    ],
)
def test_long_options_are_in_the_readme(path: str, option: str) -> None:
    assert option in README, f"README does not mention {option} of `refugewatch {path}`"


@pytest.mark.parametrize("variable", sorted(SETTINGS_DOC))
def test_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


def test_readme_gives_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
