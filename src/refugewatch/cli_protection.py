"""Protection commands: users, keys, people, pseudonyms, exports, audit, backups.

Importing this module registers its commands on refugewatch.cli.app (cli.py imports it last).
Secrets never come from command-line arguments (they end up in shell history and `ps`): the
passphrase comes from a hidden prompt or the file named by REFUGEWATCH_PASSPHRASE_FILE, passwords
from a hidden prompt or --password-file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from refugewatch.bootstrap import open_store
from refugewatch.cli import _domain_errors, _settings, app, console, errors
from refugewatch.config import Settings
from refugewatch.errors import ConfigurationError, CryptoError, ValidationError
from refugewatch.security.crypto import FieldCipher
from refugewatch.security.secret_files import read_secret_file
from refugewatch.services import (
    protection_audit,
    protection_backup,
    protection_exports,
    protection_keys,
    protection_users,
)
from refugewatch.store.protocols import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

keys_app = typer.Typer(help="The data key that encrypts identities and confidential texts.")
user_app = typer.Typer(help="Logins and roles (admin, editor, reviewer, viewer).")
person_app = typer.Typer(help="People in a case: pseudonym shown, real name encrypted.")
pseudonyms_app = typer.Typer(help="Keyed pseudonyms for finding people shared with a partner.")
audit_app = typer.Typer(help="Check, sign and export the audit log's hash chain.")
app.add_typer(keys_app, name="keys")
app.add_typer(user_app, name="user")
app.add_typer(person_app, name="person")
app.add_typer(pseudonyms_app, name="pseudonyms")
app.add_typer(audit_app, name="audit")


# -- secrets from files or hidden prompts -------------------------------------------------------


def passphrase(settings: Settings, *, new: bool = False) -> str:
    if settings.passphrase_file is not None:
        return read_secret_file(settings.passphrase_file, "passphrase")
    label = "New passphrase for the data key" if new else "Passphrase for the data key"
    return str(typer.prompt(label, hide_input=True, confirmation_prompt=new))


def unlock(settings: Settings, store: UowFactory) -> FieldCipher:
    """The data key, from the passphrase file or a hidden prompt."""
    return protection_keys.unlock(store, passphrase(settings))


def cipher_for(settings: Settings, store: UowFactory, required: bool) -> FieldCipher | None:
    """For commands that work with or without the key (ingest, document views): unlock when
    required (prompting if need be), or when a passphrase file is configured and a data key
    exists; else None."""
    if required:
        return unlock(settings, store)
    if settings.passphrase_file is not None and protection_keys.key_status(store).initialised:
        return unlock(settings, store)
    return None


def announce_first_admin(settings: Settings, store: UowFactory) -> None:
    """For `init`: on a database without users, create `admin` and print its password once."""
    created = protection_users.ensure_first_admin(store, settings.user)
    if created is not None:
        name, password = created
        console.print(
            f"created the first user {name!r} (admin) with password: {password}\n"
            "this password is shown only now: store it in a password manager, or set a new "
            f"one with `refugewatch user passwd {name}`",
            markup=False,
            soft_wrap=True,
        )


def _password(password_file: Path | None, name: str) -> str:
    if password_file is not None:
        return read_secret_file(password_file, "password")
    return str(typer.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True))


# -- keys ---------------------------------------------------------------------------------------


@keys_app.command("init")
def keys_init() -> None:
    """Create the data key and store it wrapped under a passphrase (argon2id)."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        status = protection_keys.init_keys(store, passphrase(settings, new=True), settings.user)
    console.print(
        f"data key {status.key_id} created; keep the passphrase safe", markup=False, soft_wrap=True
    )


@keys_app.command("rotate")
def keys_rotate(
    new_passphrase_file: Annotated[
        Path | None,
        typer.Option("--new-passphrase-file", help="Owner-only file with the new passphrase."),
    ] = None,
    new_passphrase: Annotated[
        bool, typer.Option("--new-passphrase", help="Prompt for a new passphrase.")
    ] = False,
    new_data_key: Annotated[
        bool, typer.Option("--new-data-key", help="Make a new data key; re-encrypt every value.")
    ] = False,
) -> None:
    """Change the passphrase and/or the data key (all values re-encrypted, all or nothing)."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        current = passphrase(settings)
        fresh = None
        if new_passphrase_file is not None:
            fresh = read_secret_file(new_passphrase_file, "new passphrase")
        elif new_passphrase:
            fresh = str(typer.prompt("New passphrase", hide_input=True, confirmation_prompt=True))
        status = protection_keys.rotate_keys(
            store, current, settings.user, new_passphrase=fresh, new_data_key=new_data_key
        )
    console.print(
        f"data key {status.key_id}; {status.sealed_values} protected values",
        markup=False,
        soft_wrap=True,
    )


@keys_app.command("status")
def keys_status() -> None:
    """Show whether a data key exists, its id, cost settings and protected values."""
    settings = _settings()
    with _domain_errors():
        status = protection_keys.key_status(open_store(settings))
    if not status.initialised:
        console.print("no data key yet: run `refugewatch keys init`", markup=False, soft_wrap=True)
        return
    kdf = status.kdf
    cost = (
        f"argon2id t={kdf.time_cost} m={kdf.memory_cost_kib} KiB p={kdf.parallelism}" if kdf else ""
    )
    console.print(f"data key {status.key_id} ({cost})", markup=False, soft_wrap=True)
    console.print(
        f"protected values: {status.sealed_values}; under another key: {status.other_key_values}",
        markup=False,
        soft_wrap=True,
    )


# -- users --------------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, editor, reviewer or viewer.")],
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Owner-only file with the password.")
    ] = None,
) -> None:
    """Add a user with a role; the password comes from a hidden prompt or --password-file."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        user = protection_users.add_user(
            store, name, role, _password(password_file, name), settings.user
        )
    console.print(f"user {user.username} added as {user.role}", markup=False, soft_wrap=True)


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: they can no longer log in (history keeps their name)."""
    settings = _settings()
    with _domain_errors():
        protection_users.disable_user(open_store(settings), name, settings.user)
    console.print(f"user {name} disabled", markup=False, soft_wrap=True)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Owner-only file with the password.")
    ] = None,
) -> None:
    """Set a new password (also lifts a login lockout)."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        protection_users.set_password(store, name, _password(password_file, name), settings.user)
    console.print(f"password of {name} changed", markup=False, soft_wrap=True)


@user_app.command("list")
def user_list() -> None:
    """List users, roles and whether they are disabled or locked."""
    settings = _settings()
    with _domain_errors():
        users = protection_users.list_users(open_store(settings))
    table = Table("name", "role", "state", "last login")
    for user in users:
        state = "disabled" if user.disabled else ("locked" if user.locked_until else "active")
        last = user.last_login_at.isoformat(timespec="seconds") if user.last_login_at else "-"
        table.add_row(user.username, user.role, state, last)
    console.print(table)


# -- people and pseudonyms ----------------------------------------------------------------------


@person_app.command("add")
def person_add(
    case_id: Annotated[str, typer.Argument(help="The case the person belongs to.")],
    pseudonym: Annotated[str, typer.Option("--pseudonym", help="Name shown everywhere.")],
    name_file: Annotated[
        Path | None, typer.Option("--name-file", help="Owner-only file with the real name.")
    ] = None,
) -> None:
    """Record a person: the real name (hidden prompt or file) is stored encrypted."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        cipher = unlock(settings, store)
        name = (
            read_secret_file(name_file, "name")
            if name_file
            else str(typer.prompt("Real name", hide_input=True))
        )
        person = protection_keys.add_person(store, cipher, case_id, pseudonym, name, settings.user)
    console.print(
        f"person {person.id} ({person.pseudonym}) added to {case_id}", markup=False, soft_wrap=True
    )


@pseudonyms_app.command("new-key")
def pseudonyms_new_key(
    out: Annotated[Path, typer.Option("--out", help="New file for the partnership key.")],
    label: Annotated[str, typer.Option("--label", help="Which partnership the key is for.")],
) -> None:
    """Make a partnership key to share with one partner, by a safe channel, for one exercise."""
    with _domain_errors():
        protection_exports.new_partnership_key_file(out, label)
    console.print(f"partnership key written to {out} (owner-only)", markup=False, soft_wrap=True)


@pseudonyms_app.command("export")
def pseudonyms_export(
    key_file: Annotated[Path, typer.Option("--key-file", help="The partnership key file.")],
    out: Annotated[Path, typer.Option("--out", help="New file for the tokens.")],
) -> None:
    """Write HMAC tokens of every person's name under a partnership key (needs the data key)."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        key = protection_exports.load_partnership_key(key_file)
        protection_exports.check_output_path(out)
        result = protection_exports.export_pseudonyms(
            store, unlock(settings, store), key, settings.user
        )
        protection_exports.write_new_file(out, result.content)
    for problem in result.problems:
        errors.print(f"left out: {problem}", markup=False, soft_wrap=True)
    console.print(
        f"{len(result.exported)} tokens written to {out}; export {result.entry.export_id}, "
        f"sha256 {result.entry.sha256}",
        markup=False,
        soft_wrap=True,
    )


@app.command("match")
def match_command(
    first: Annotated[Path, typer.Argument(help="Our pseudonym export.")],
    second: Annotated[Path, typer.Argument(help="The partner's pseudonym export.")],
) -> None:
    """Compare two pseudonym exports: pairs of ids that may be the same person."""
    with _domain_errors():
        shared = protection_exports.match_exports(first, second)
    for pair in shared:
        console.print(f"{pair.local_id_a}\t{pair.local_id_b}", markup=False, soft_wrap=True)
    console.print(
        f"{len(shared)} possible shared people (confirm each by hand)", markup=False, soft_wrap=True
    )


# -- exports ------------------------------------------------------------------------------------


@app.command("export")
def export_command(
    audience: Annotated[
        str, typer.Option("--audience", help="internal, partner, un, public or detaining-state.")
    ],
    out: Annotated[Path, typer.Option("--out", help="New file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="json or csv.")] = "json",
) -> None:
    """Export cases for an audience: redacted, watermarked, logged; cases without consent are
    left out and named."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        parsed = protection_exports.parse_audience(audience)
        protection_exports.check_output_path(out)
        result = protection_exports.export_cases(
            store,
            parsed,
            protection_exports.parse_format(fmt),
            settings.user,
            small_count_threshold=settings.small_count_threshold,
        )
        protection_exports.write_new_file(out, result.content)
    for case_id in result.skipped:
        errors.print(
            f"left out (consent does not allow {audience}): {case_id}", markup=False, soft_wrap=True
        )
    console.print(
        f"{len(result.exported)} cases written to {out}; {len(result.skipped)} left out; "
        f"export {result.entry.export_id}, sha256 {result.entry.sha256}",
        markup=False,
        soft_wrap=True,
    )


# -- audit --------------------------------------------------------------------------------------


def _audit_key(settings: Settings) -> Path:
    if settings.audit_key_file is None:
        raise ConfigurationError(
            "set REFUGEWATCH_AUDIT_KEY_FILE to a path outside the database folder "
            "(the key is created there on the first checkpoint)"
        )
    return settings.audit_key_file


@audit_app.command("verify")
def audit_verify(
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Checkpoint public key (PEM).")
    ] = None,
) -> None:
    """Check the hash chain and every signed checkpoint; exit 8 if anything was tampered with."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        key = protection_audit.verification_key(settings.audit_key_file, public_key)
        result = protection_audit.verify_audit(store, settings.checkpoints_path(), key)
        for problem in result.report.problems:
            errors.print(f"problem: {problem}", markup=False, soft_wrap=True)
        if not result.report.ok:
            raise CryptoError(
                f"the audit log was tampered with: {len(result.report.problems)} problems"
            )
    console.print(
        f"audit chain intact: {result.events} events, {result.checkpoints} checkpoints checked",
        markup=False,
        soft_wrap=True,
    )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the chain's head with the key outside the database and append it to the file."""
    settings = _settings()
    with _domain_errors():
        key_file = _audit_key(settings)
        target = settings.checkpoints_path() or key_file.with_suffix(".checkpoints.jsonl")
        signed = protection_audit.checkpoint(open_store(settings), key_file, target, settings.user)
    console.print(
        f"checkpoint at event {signed.seq} appended to {target}", markup=False, soft_wrap=True
    )


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="New file for the events.")],
) -> None:
    """Write every audit event, the checkpoints and the public key to a new file."""
    settings = _settings()
    with _domain_errors():
        count = protection_audit.export_audit(
            open_store(settings), out, settings.checkpoints_path(), settings.audit_key_file
        )
    console.print(f"{count} events written to {out}", markup=False, soft_wrap=True)


# -- backups ------------------------------------------------------------------------------------


def _archive(settings: Settings) -> protection_backup.DatabaseArchive:
    from refugewatch.store.sql.archive import SqlDatabaseArchive

    return SqlDatabaseArchive(settings.database_url)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError([f"cannot read the {what} {path}: {exc.strerror}"]) from None


@app.command("backup-keys")
def backup_keys(
    out: Annotated[Path, typer.Option("--out", help="Folder for the new key pair.")],
) -> None:
    """Make the backup key pair: keep the private key offline, the public key on the server."""
    with _domain_errors():
        private, public = protection_backup.make_backup_keys(out)
    console.print(
        f"private key {private} (move it offline), public key {public}",
        markup=False,
        soft_wrap=True,
    )


@app.command("backup")
def backup_command(
    to: Annotated[Path, typer.Option("--to", help="New backup file.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="Backup public key (PEM).")],
) -> None:
    """Write an encrypted, integrity-checked backup of the database and originals."""
    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        result = protection_backup.create_backup(
            _archive(settings), store, to, _read(public_key, "public key"), settings.user
        )
    console.print(
        f"backup {to}: {result.size} bytes, sha256 {result.sha256}", markup=False, soft_wrap=True
    )


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="Backup file.")],
    private_key: Annotated[Path, typer.Option("--private-key", help="Backup private key (PEM).")],
) -> None:
    """Restore a backup into an EMPTY database; refuses altered backups and broken chains."""
    settings = _settings()
    with _domain_errors():
        counts = protection_backup.restore_backup(
            _archive(settings),
            lambda: open_store(settings)(),  # opened after the restore has migrated the target
            source,
            _read(private_key, "private key"),
            settings.user,
        )
    console.print(
        f"restored {sum(counts.values())} rows; audit chain intact", markup=False, soft_wrap=True
    )
