"""CLI commands for urgency and advocacy; importing this module registers them on refugewatch.cli.app.

`urgency`, `alerts`, `letter` and `intervention list|status`: each parses, calls one service and
renders its result; errors become one line and an exit code in cli._domain_errors.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from refugewatch.bootstrap import open_store
from refugewatch.cli import _domain_errors, _parse_day, _settings, app, console, errors
from refugewatch.errors import ValidationError
from refugewatch.outputs import DraftKind
from refugewatch.risk import Alert, Assessment
from refugewatch.services import advocacy, urgency
from refugewatch.services.advocacy import OutputFormat

# The CLI's short names for the three drafts.
LETTER_KINDS = {
    "appeal": DraftKind.LETTER,  # to the detaining state's leadership
    "un": DraftKind.UN_APPEAL,  # urgent appeal to the UN special rapporteurs
    "press": DraftKind.PRESS_SUMMARY,
}

intervention_app = typer.Typer(
    help="Track letters, UN appeals and press summaries drafted for a case.",
    no_args_is_help=True,
)
app.add_typer(intervention_app, name="intervention")


def _today_or(raw: str | None, option: str) -> dt.date:
    return _parse_day(raw, option) or dt.date.today()


# -- urgency and alerts -------------------------------------------------------------------------


@app.command("urgency")
def show_urgency(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Assess as of this day (YYYY-MM-DD; default today)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Active cases by urgency level, with score and the reasons behind it."""
    settings = _settings()
    with _domain_errors():
        day = _today_or(as_of, "--as-of")
        assessed = urgency.assess_all(open_store(settings), day, active_only=True)
    if as_json:
        console.print_json(json.dumps([urgency.assessment_json(a) for a in assessed]))
        return
    if not assessed:
        console.print(f"no active case as of {day.isoformat()}")
        return
    table = Table("level", "score", "case", "reasons", title=f"urgency as of {day.isoformat()}")
    for a in assessed:
        table.add_row(a.level.value.upper(), str(a.score), f"{a.label}\n{a.case_id}", _reasons(a))
    console.print(table)


def _reasons(assessment: Assessment) -> str:
    return "\n".join(f"{r.points:+d} {r.text}" for r in assessment.reasons)


@app.command("alerts")
def show_alerts(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Compare with this day (YYYY-MM-DD; default a week before --as-of)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Up to this day (YYYY-MM-DD; default today).")
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--deliver",
            help="Send them to the configured, allow-listed destinations (REFUGEWATCH_ALERT_*).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Level changes since a day and cases with no report for 14 days; optionally deliver them."""
    settings = _settings()
    with _domain_errors():
        end = _today_or(as_of, "--as-of")
        start = _parse_day(since, "--since") or end - dt.timedelta(
            days=urgency.DEFAULT_ALERT_LOOKBACK_DAYS
        )
        store = open_store(settings)
        found = urgency.alerts_since(store, start, end)
        _print_alerts(found, start, end, as_json)
        if send:
            sent = urgency.deliver_alerts(store, found, settings.alerts, actor=settings.user)
            errors.print(f"delivered {sent} message(s) (case label and level only)")


def _print_alerts(found: list[Alert], start: dt.date, end: dt.date, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps([urgency.alert_json(a) for a in found]))
        return
    if not found:
        console.print(f"no alerts between {start.isoformat()} and {end.isoformat()}")
        return
    for alert in found:
        console.print(f"{alert.kind.value:9} {alert.level.value:8} {alert.text}", markup=False)


# -- drafts -------------------------------------------------------------------------------------


@app.command("letter")
def draft_letter(
    case_id: Annotated[str, typer.Argument(help="Case id as shown by `refugewatch cases`.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="appeal (letter to the detaining state), un (UN urgent appeal) or press.",
        ),
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the draft (en only for now).")
    ] = "en",
    fmt: Annotated[str, typer.Option("--format", help="md, html or pdf (pdf needs --out).")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the draft to this file instead of stdout.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Date of the draft and of its urgency reasons (default today)."
        ),
    ] = None,
) -> None:
    """Draft a letter, UN appeal or press summary for a case and record it as an intervention."""
    settings = _settings()
    with _domain_errors():
        draft_kind = _letter_kind(kind)
        _check_out(fmt, out)
        made = advocacy.draft_for_case(
            open_store(settings), case_id, draft_kind, fmt,
            actor=settings.user, as_of=_parse_day(as_of, "--as-of"), language=lang,
        )  # fmt: skip
        if out is not None:
            _write(out, made.output)
    if out is None:
        typer.echo(made.output, nl=False)
    where = f"wrote {out}; " if out else ""
    banner = (
        " (UNREVIEWED: no reviewer has accepted its facts yet)" if made.draft.unreviewed else ""
    )
    errors.print(
        f"{where}recorded as intervention {made.intervention_id} (draft){banner}",
        markup=False,
        highlight=False,
    )


def _write(out: Path, output: str | bytes) -> None:
    data = output.encode("utf-8") if isinstance(output, str) else output
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationError([f"cannot write {out}: {exc.strerror}"]) from None


def _letter_kind(kind: str) -> DraftKind:
    if kind not in LETTER_KINDS:
        raise ValidationError([f"--kind {kind!r} is not one of {', '.join(LETTER_KINDS)}"])
    return LETTER_KINDS[kind]


def _check_out(fmt: str, out: Path | None) -> None:
    """Checked before drafting, so a bad path records no intervention."""
    if fmt == OutputFormat.PDF.value and out is None:
        raise ValidationError(["a PDF is binary: give --out FILE to write it to"])
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        raise ValidationError([f"--out {out}: give a file in an existing folder"])


# -- interventions ------------------------------------------------------------------------------


@intervention_app.command("list")
def list_interventions(
    case_id: Annotated[str, typer.Argument(help="Case id as shown by `refugewatch cases`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """A case's letters, appeals and press summaries with their status, oldest first."""
    settings = _settings()
    with _domain_errors():
        found = advocacy.interventions(open_store(settings), case_id)
    rows = [advocacy.intervention_json(i) for i in found]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table("kind", "status", "date", "to", "title")
    table.add_column("id", no_wrap=True)
    for row in rows:
        to = row["addressees"]
        table.add_row(
            str(row["kind"]), str(row["status"]), str(row["date"] or "-"),
            str(to[0]) if isinstance(to, list) and to else "-", str(row["title"]), str(row["id"]),
        )  # fmt: skip
    console.print(table)


@intervention_app.command("status")
def set_status(
    intervention_id: Annotated[str, typer.Argument(help="Intervention id (iv-...).")],
    status: Annotated[str, typer.Option("--set", help="sent, acknowledged, replied or published.")],
    reply_file: Annotated[
        Path | None,
        typer.Option("--reply-file", help="Text file holding the reply (with replied)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Day it was sent or published (default today).")
    ] = None,
) -> None:
    """Record that an intervention was sent, acknowledged, answered or published."""
    settings = _settings()
    with _domain_errors():
        reply = _read_reply(reply_file, settings.max_file_bytes) if reply_file else None
        updated = advocacy.set_intervention_status(
            open_store(settings), intervention_id, status,
            actor=settings.user, reply=reply, on=_parse_day(on, "--on"),
        )  # fmt: skip
    day = updated.date.isoformat() if updated.date else "undated"
    console.print(f"{updated.id}: {updated.status.value} ({day})", markup=False)


def _read_reply(path: Path, max_bytes: int) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError([f"cannot read the reply file {path}: {exc.strerror}"]) from None
    if len(data) > max_bytes:
        raise ValidationError([f"the reply file {path} is larger than {max_bytes:,} bytes"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError([f"the reply file {path} is not UTF-8 text"]) from None
