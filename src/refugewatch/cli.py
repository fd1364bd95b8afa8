"""Typer commands: each parses, calls one service, renders, and maps errors to exit codes here only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from refugewatch import __version__
from refugewatch.bootstrap import open_store
from refugewatch.config import Settings
from refugewatch.errors import ConfigurationError, RefugewatchError, ValidationError
from refugewatch.services import queries
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.extract_batch import extract_to_folder
from refugewatch.services.ingest import Outcome, ingest_paths
from refugewatch.services.render import case_json, case_summary_json, document_json

app = typer.Typer(
    help="refugewatch: document North Koreans detained abroad at risk of forced return.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

# Batches at least this long get a progress bar; shorter ones finish before a bar is useful.
PROGRESS_MIN_FILES = 5
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@contextmanager
def _domain_errors() -> Iterator[None]:
    """The one place that turns domain errors into a one-line message and an exit code."""
    try:
        yield
    except RefugewatchError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None


def _settings() -> Settings:
    with _domain_errors():
        return Settings.from_env()


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("working", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[:40])

        yield update


def _count_files(paths: list[Path]) -> int:
    return sum(1 if p.is_file() else sum(1 for _ in p.rglob("*")) for p in paths if p.exists())


@app.command()
def init() -> None:
    """Create or upgrade the database to the latest schema (safe to run again)."""
    from refugewatch.cli_protection import announce_first_admin

    settings = _settings()
    with _domain_errors():
        store = open_store(settings, migrate=True)
        announce_first_admin(settings, store)
    console.print(f"database ready: {settings.database_url}", markup=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    rebuild: Annotated[bool, typer.Option(help="Rebuild cases after the batch.")] = True,
    confidential: Annotated[
        bool,
        typer.Option(
            "--confidential", help="Store these files encrypted (needs the data key unlocked)."
        ),
    ] = False,
) -> None:
    """Ingest reports (.txt, .md, .html, .pdf); re-ingesting the same bytes is a no-op."""
    from refugewatch.cli_protection import cipher_for

    settings = _settings()
    with _domain_errors():
        store = open_store(settings)
        cipher = cipher_for(settings, store, required=confidential)
        with _progress(_count_files(paths) >= PROGRESS_MIN_FILES) as progress:
            report = ingest_paths(
                store, paths, settings, progress, cipher=cipher, confidential=confidential
            )
        for result in report.results:
            detail = result.reason or (result.sha256 or "")[:12]
            console.print(f"{result.outcome.value:9} {result.name}  {detail}", markup=False)
        if rebuild and report.count(Outcome.INGESTED):
            built = rebuild_cases(store, settings.user)
            console.print(f"cases rebuilt: {built.cases} cases from {built.incidents} incidents")
    console.print(f"summary: {report.summary()}")


@app.command()
def rebuild() -> None:
    """Re-link all incidents and re-fold every case from its claims."""
    settings = _settings()
    with _domain_errors():
        built = rebuild_cases(open_store(settings), settings.user)
    console.print(
        f"{built.cases} cases from {built.incidents} incidents in {built.documents} documents"
    )


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of reports.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for one NAME.json per document.")],
) -> None:
    """Extract incidents and statistics to JSON (corpus schema), linking across the batch; no database."""
    settings = _settings()
    with _domain_errors(), _progress(_count_files(paths) >= PROGRESS_MIN_FILES) as progress:
        report = extract_to_folder(paths, out, settings, progress)
    for name, reason in report.failed:
        errors.print(f"failed   {name}: {reason}", markup=False)
    console.print(
        f"wrote {len(report.written)} files to {out}; {len(report.failed)} failed,"
        f" {len(report.skipped)} skipped (not documents)",
        markup=False,
    )
    if report.failed:
        raise typer.Exit(1)


@app.command("cases")
def list_cases(
    sort: Annotated[str, typer.Option(help="label, size, status, date or sources.")] = "date",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List cases with size, status, last known place and number of sources."""
    settings = _settings()
    with _domain_errors():
        cases = queries.list_cases(open_store(settings), sort=sort)
    if as_json:
        console.print_json(json.dumps([case_summary_json(c) for c in cases]))
        return
    table = Table("id", "label", "people", "status", "last known place", "sources")
    for c in cases:
        s = c.state
        table.add_row(
            c.id,
            c.label,
            s.size.describe(),
            s.status.value,
            s.last_known_place or "-",
            str(len(s.document_sha256s)),
        )
    console.print(table)


@app.command("case")
def show_case(
    case_id: Annotated[str, typer.Argument(help="Case id as shown by `refugewatch cases`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Replay the case as it stood on this day (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Show one case: state, conflicts, timeline and sources."""
    settings = _settings()
    with _domain_errors():
        day = _parse_day(as_of, "--as-of")
        detail = queries.get_case(open_store(settings), case_id, as_of=day)
    data = case_json(detail)
    if as_json:
        console.print_json(json.dumps(data))
        return
    _print_case(data)


def _parse_day(raw: str | None, option: str) -> dt.date | None:
    """An --as-of / --since style option as a date (None when not given)."""
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError([f"{option} {raw!r} is not a date such as 2015-11-24"]) from None


def _print_case(data: dict[str, object]) -> None:
    for key in ("id", "label", "size", "status", "status_date", "apprehended", "last_known_place"):
        console.print(f"{key:18} {data.get(key)}", markup=False)
    for title in ("custody_chain", "vulnerable", "conflicts", "timeline", "undated", "sources"):
        rows = data.get(title) or []
        console.print(f"\n{title.replace('_', ' ')}:", style="bold")
        for row in rows if isinstance(rows, list) else []:
            console.print(f"  {_one_line(row)}", markup=False)


def _one_line(row: object) -> str:
    if isinstance(row, dict):
        return "  ".join(f"{v}" for v in row.values() if v not in (None, "", []))
    return str(row)


@app.command()
def documents(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List ingested documents, newest first."""
    settings = _settings()
    with _domain_errors():
        docs = queries.list_documents(open_store(settings), limit=limit)
    if as_json:
        console.print_json(json.dumps([document_json(d) for d in docs]))
        return
    table = Table("id", "published", "title", "outlet", "lang")
    for d in docs:
        table.add_row(
            d.short_id,
            d.published.to_edtf() or "-",
            d.title or d.filename,
            d.outlet or "-",
            d.language or "-",
        )
    console.print(table)


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to bind. Other than loopback only behind https, with "
            "REFUGEWATCH_COOKIE_SECURE on and REFUGEWATCH_TRUSTED_HOSTS set."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the web UI and JSON API (sign in with a user from `refugewatch user add`)."""
    import uvicorn

    from refugewatch.web.app import create_app

    settings = _settings()
    with _domain_errors():
        public = host not in LOOPBACK_HOSTS
        if public and not (settings.cookie_secure and _trusted_hosts_configured(settings)):
            raise ConfigurationError(
                f"refusing to bind {host}: the web UI serves 127.0.0.1 only, unless it sits "
                "behind https with REFUGEWATCH_COOKIE_SECURE=yes and REFUGEWATCH_TRUSTED_HOSTS "
                "naming its host names"
            )
        web_app = create_app(settings, open_store(settings))
    where = "behind https" if public else "loopback only"
    console.print(f"refugewatch {__version__} serving on http://{host}:{port}/ ({where})")
    if not public and settings.cookie_secure:
        console.print(
            "note: sign-in cookies are Secure (https only); for plain http on this machine set "
            "REFUGEWATCH_COOKIE_SECURE=no",
            markup=False,
        )
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


def _trusted_hosts_configured(settings: Settings) -> bool:
    """True when the operator named the host names (the defaults are loopback and tests)."""
    return settings.trusted_hosts != Settings().trusted_hosts


def main() -> None:
    app()


# Command groups kept in their own modules register themselves on `app` when imported.
from refugewatch import cli_advocacy, cli_protection, cli_review  # noqa: E402, F401
