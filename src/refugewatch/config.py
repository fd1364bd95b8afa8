"""One frozen Settings object, read from environment variables once at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

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
    "REFUGEWATCH_COOKIE_SECURE": "yes/no: mark login and CSRF cookies Secure, sent over https "
    "only (default yes; no only for plain-http testing on 127.0.0.1)",
    "REFUGEWATCH_USER": "name recorded as ingested_by / actor of writes from the CLI",
    "REFUGEWATCH_ALERT_ALLOWED_HOSTS": "comma-separated hosts alerts may be delivered to "
    "(default none: nothing is sent)",
    "REFUGEWATCH_ALERT_SMTP_HOST": "mail server for `alerts --deliver` (must be allow-listed)",
    "REFUGEWATCH_ALERT_SMTP_PORT": "mail server port (default 587)",
    "REFUGEWATCH_ALERT_SMTP_STARTTLS": "yes/no: STARTTLS to the mail server (default yes; no "
    "only for a server on this machine)",
    "REFUGEWATCH_ALERT_SMTP_USER": "login on the mail server, if it asks for one",
    "REFUGEWATCH_ALERT_SMTP_PASSWORD": "password for that login",
    "REFUGEWATCH_ALERT_SMTP_FROM": "sender address of alert mails",
    "REFUGEWATCH_ALERT_SMTP_TO": "comma-separated recipients of alert mails",
    "REFUGEWATCH_ALERT_WEBHOOK_URL": "https URL alerts are POSTed to as JSON (host allow-listed)",
    "REFUGEWATCH_PASSPHRASE_FILE": "file holding the passphrase that unlocks the data key "
    "(else a hidden prompt)",
    "REFUGEWATCH_SQLCIPHER_KEY_FILE": "file holding the key of a sqlite+pysqlcipher:// database",
    "REFUGEWATCH_SMALL_COUNT_THRESHOLD": "counts below this are withheld from public exports "
    "(default 3)",
    "REFUGEWATCH_AUDIT_KEY_FILE": "Ed25519 key signing audit checkpoints, kept outside the "
    "database (created by `audit checkpoint`)",
    "REFUGEWATCH_AUDIT_CHECKPOINTS_FILE": "where signed checkpoints are appended "
    "(default: the key file's path + .checkpoints.jsonl)",
}

# Counts below 3 people identify them to family, village or cell-mates (security.redact).
DEFAULT_SMALL_COUNT_THRESHOLD = 3
# Query parameter store.sql.engine reads the SQLCipher key file from (the key stays off the URL).
SQLCIPHER_KEY_FILE_PARAM = "key_file"
SQLCIPHER_SCHEME = "sqlite+pysqlcipher:"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "testserver")
    # Secure cookies travel over https only. On by default: a session cookie sent in clear text
    # is a login anyone on the network can reuse. Off only for plain http on this machine.
    cookie_secure: bool = True
    user: str = "local"
    passphrase_file: Path | None = None
    small_count_threshold: int = DEFAULT_SMALL_COUNT_THRESHOLD
    audit_key_file: Path | None = None
    audit_checkpoints_file: Path | None = None
    alerts: AlertSettings = field(default_factory=lambda: AlertSettings())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        hosts = env.get("REFUGEWATCH_TRUSTED_HOSTS")
        return cls(
            database_url=_database_url(env),
            max_file_bytes=_read_int(env, "REFUGEWATCH_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES),
            trusted_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip())
            if hosts
            else cls.trusted_hosts,
            cookie_secure=_read_yes_no(env, "REFUGEWATCH_COOKIE_SECURE", True),
            user=env.get("REFUGEWATCH_USER", "local"),
            passphrase_file=_path(env, "REFUGEWATCH_PASSPHRASE_FILE"),
            small_count_threshold=_read_int(
                env, "REFUGEWATCH_SMALL_COUNT_THRESHOLD", DEFAULT_SMALL_COUNT_THRESHOLD
            ),
            audit_key_file=_path(env, "REFUGEWATCH_AUDIT_KEY_FILE"),
            audit_checkpoints_file=_path(env, "REFUGEWATCH_AUDIT_CHECKPOINTS_FILE"),
            alerts=AlertSettings.from_env(env),
        )

    def checkpoints_path(self) -> Path | None:
        """Where signed audit checkpoints go: the setting, else beside the signing key."""
        if self.audit_checkpoints_file is not None:
            return self.audit_checkpoints_file
        if self.audit_key_file is None:
            return None
        return self.audit_key_file.with_name(self.audit_key_file.name + ".checkpoints.jsonl")

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


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser() if raw else None


def _database_url(env: Mapping[str, str]) -> str:
    """The URL, with REFUGEWATCH_SQLCIPHER_KEY_FILE attached for an encrypted SQLite file."""
    url = env.get("REFUGEWATCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    key_file = _path(env, "REFUGEWATCH_SQLCIPHER_KEY_FILE")
    if key_file is None:
        return url
    if not url.startswith(SQLCIPHER_SCHEME):
        raise ConfigurationError(
            "REFUGEWATCH_SQLCIPHER_KEY_FILE is set but REFUGEWATCH_DATABASE_URL is not a "
            "sqlite+pysqlcipher:///path.db URL"
        )
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{SQLCIPHER_KEY_FILE_PARAM}={quote(str(key_file), safe='/')}"


# -- opt-in alert delivery (risk.delivery) --------------------------------------------------------

# Mail submission port with STARTTLS, what organisations' mail servers offer to their staff.
DEFAULT_ALERT_SMTP_PORT = 587
# Plain SMTP is only for a relay on this machine; anything that crosses a network is encrypted.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
YES_WORDS = frozenset({"yes", "y", "true", "1", "on"})
NO_WORDS = frozenset({"no", "n", "false", "0", "off"})


@dataclass(frozen=True)
class AlertSettings:
    """Where `refugewatch alerts --deliver` sends alerts. Empty: nothing leaves the machine."""

    allowed_hosts: tuple[str, ...] = ()
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_ALERT_SMTP_PORT
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    webhook_url: str | None = None

    @property
    def configured(self) -> bool:
        return (self.smtp_host is not None and bool(self.smtp_to)) or self.webhook_url is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AlertSettings:
        settings = cls(
            allowed_hosts=_list(env, "REFUGEWATCH_ALERT_ALLOWED_HOSTS"),
            smtp_host=_text(env, "REFUGEWATCH_ALERT_SMTP_HOST"),
            smtp_port=_read_port(env, "REFUGEWATCH_ALERT_SMTP_PORT", DEFAULT_ALERT_SMTP_PORT),
            smtp_starttls=_read_yes_no(env, "REFUGEWATCH_ALERT_SMTP_STARTTLS", True),
            smtp_user=_text(env, "REFUGEWATCH_ALERT_SMTP_USER"),
            smtp_password=env.get("REFUGEWATCH_ALERT_SMTP_PASSWORD") or None,
            smtp_from=_text(env, "REFUGEWATCH_ALERT_SMTP_FROM"),
            smtp_to=_list(env, "REFUGEWATCH_ALERT_SMTP_TO"),
            webhook_url=_text(env, "REFUGEWATCH_ALERT_WEBHOOK_URL"),
        )
        host = (settings.smtp_host or "").lower()
        if settings.smtp_host and not settings.smtp_starttls and host not in LOOPBACK_HOSTS:
            raise ConfigurationError(
                f"REFUGEWATCH_ALERT_SMTP_STARTTLS=no is refused for {settings.smtp_host}: alerts "
                "cross the network encrypted (plain SMTP only to a server on this machine)"
            )
        return settings


def _text(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name, "").strip() or None


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())


def _read_port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigurationError(f"{name} must be a port number (1-65535), got {raw!r}")
    return int(raw)


def _read_yes_no(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in YES_WORDS | NO_WORDS:
        return raw in YES_WORDS
    raise ConfigurationError(f"{name} must be yes or no, got {raw!r}")
