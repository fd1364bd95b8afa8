"""One frozen Settings object, read from environment variables once at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from refugewatch.errors import ConfigurationError

# Default database: one SQLite file under ./data so `make run` needs no set-up.
DEFAULT_DATABASE_URL = "sqlite:///data/refugewatch.db"
# 20 MB: larger than any real report or PDF seen, small enough that one upload cannot exhaust memory.
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
# serve binds loopback only until the protection issue adds login.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

# Every setting, its environment variable and what it means; tests check the README documents each.
SETTINGS_DOC: Mapping[str, str] = {
    "REFUGEWATCH_DATABASE_URL": "SQLAlchemy URL of the database (default sqlite:///data/refugewatch.db)",
    "REFUGEWATCH_MAX_FILE_BYTES": "largest file ingest accepts, in bytes (default 20 MB)",
    "REFUGEWATCH_TRUSTED_HOSTS": "comma-separated host names the web app answers to",
    "REFUGEWATCH_USER": "name recorded as ingested_by / actor of writes from the CLI",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "testserver")
    user: str = "local"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        hosts = env.get("REFUGEWATCH_TRUSTED_HOSTS")
        return cls(
            database_url=env.get("REFUGEWATCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            max_file_bytes=_read_int(env, "REFUGEWATCH_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES),
            trusted_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip())
            if hosts
            else cls.trusted_hosts,
            user=env.get("REFUGEWATCH_USER", "local"),
        )

    def sqlite_path(self) -> Path | None:
        """The database file for a sqlite URL (so its folder can be created), else None."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix) or self.database_url.endswith(":memory:"):
            return None
        return Path(self.database_url[len(prefix) :])


def _read_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number of bytes, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value
