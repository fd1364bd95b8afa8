"""Reading secrets (passphrases, passwords, real names) from owner-only files.

Secrets never go on a command line (visible in `ps`, kept in shell history) nor in a bare
environment variable; a file only its owner can read is the accepted way to hand one to a
process that runs unattended.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from refugewatch.errors import ConfigurationError

# Any group or other permission: like ssh with private keys, a file others can read is refused.
SECRET_FILE_FORBIDDEN_BITS = stat.S_IRWXG | stat.S_IRWXO


def read_secret_file(path: Path, what: str) -> str:
    """The first line of an owner-only file; one others can read is refused, as ssh does."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the {what} file {path}: {exc}") from None
    if os.name == "posix" and mode & SECRET_FILE_FORBIDDEN_BITS:
        raise ConfigurationError(
            f"the {what} file {path} can be read by other users (mode {mode:o}); "
            f"run: chmod 600 {path}"
        )
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise ConfigurationError(f"the {what} file {path} is empty")
    return lines[0]
