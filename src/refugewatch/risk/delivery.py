"""Opt-in alert delivery by e-mail (SMTP) or webhook, to allow-listed hosts only.

An alert leaves the machine carrying a case's pseudonymous label and its level, nothing else: no
reasons, places beyond the label, dates, sources or claim ids. Mail servers and webhook receivers
are third parties; a detaining state's security service can read what they hold.

The destination host is checked against the allow-list before any connection is opened; webhook
redirects are refused (a redirect could send the payload to a host nobody allowed) and
environment proxies are ignored for the same reason.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import NoReturn
from urllib.parse import urlsplit

from refugewatch.errors import AlertDeliveryError, DeliveryNotAllowedError
from refugewatch.risk.alerts import Alert

# A label is pseudonymous ("Group of 9, Mong Cai, Oct 2015"); longer text is not a label, and
# cutting it keeps anything typed into it by mistake from travelling in full.
MAX_LABEL_CHARS = 120
# Plain http is only for a receiver on this machine (tests, a local relay); anything that crosses
# a network goes over https.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAIL_SUBJECT = "refugewatch alert"
DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class AlertMessage:
    """Exactly what leaves the machine."""

    label: str
    level: str

    def as_json(self) -> bytes:
        return json.dumps({"case": self.label, "level": self.level}, sort_keys=True).encode()

    def as_text(self) -> str:
        return f"Case: {self.label}\nLevel: {self.level}\n"


@dataclass(frozen=True)
class DeliverySettings:
    """Where alerts go. Nothing is sent unless a destination is set and its host is allowed."""

    allowed_hosts: frozenset[str] = frozenset()
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    webhook_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S


def build_message(alert: Alert) -> AlertMessage:
    """The label (one line, bounded) and the level; every other field of the alert stays home."""
    label = " ".join(alert.label.split())[:MAX_LABEL_CHARS]
    return AlertMessage(label=label, level=alert.level.value)


def check_host_allowed(host: str | None, allowed: Iterable[str]) -> str:
    """The normalised host if it is on the allow-list; otherwise refuse, before any connection."""
    normal = _normal_host(host or "")
    allow = {_normal_host(h) for h in allowed}
    if not normal or normal not in allow:
        raise DeliveryNotAllowedError(
            f"alert destination {host or '(none)'!r} is not on the delivery allow-list; "
            "add it there on purpose if alerts should go to it"
        )
    return normal


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def deliver(alerts: Sequence[Alert], settings: DeliverySettings) -> int:
    """Send each alert to every configured destination; returns the number of messages sent.

    Every destination is checked before anything is sent, so a bad setting sends nothing.
    """
    send_mail = settings.smtp_host is not None and bool(settings.recipients)
    if send_mail:
        check_host_allowed(settings.smtp_host, settings.allowed_hosts)
    if settings.webhook_url is not None:
        check_webhook_url(settings.webhook_url, settings.allowed_hosts)
    messages = [build_message(a) for a in alerts]
    sent = 0
    if send_mail and messages:
        sent += send_email(messages, settings)
    if settings.webhook_url is not None:
        for message in messages:
            post_webhook(message, settings.webhook_url, settings)
            sent += 1
    return sent


# -- e-mail -------------------------------------------------------------------------------------


def build_email(message: AlertMessage, sender: str, recipients: Sequence[str]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = MAIL_SUBJECT
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(message.as_text())
    return mail


def send_email(messages: Sequence[AlertMessage], settings: DeliverySettings) -> int:
    """One mail per alert over one SMTP session to the allow-listed server."""
    host = check_host_allowed(settings.smtp_host, settings.allowed_hosts)
    if not settings.recipients:
        return 0
    sender = settings.sender or f"refugewatch@{host}"
    try:
        with smtplib.SMTP(host, settings.smtp_port, timeout=settings.timeout_s) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for message in messages:
                smtp.send_message(build_email(message, sender, settings.recipients))
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertDeliveryError(
            f"the mail server {host}:{settings.smtp_port} did not take the alerts ({exc}); "
            "nothing further was sent"
        ) from exc
    return len(messages)


# -- webhook ------------------------------------------------------------------------------------


def check_webhook_url(url: str, allowed: Iterable[str]) -> str:
    """The URL's host, if allowed and the scheme is https (http only on this machine)."""
    parts = urlsplit(url)
    host = check_host_allowed(parts.hostname, allowed)
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK_HOSTS):
        return host
    raise DeliveryNotAllowedError(
        f"webhook {parts.scheme}://{host} refused: alerts travel over https only "
        "(plain http is accepted for this machine's own address)"
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> NoReturn:
        raise DeliveryNotAllowedError(
            "the webhook answered with a redirect; refused, so the alert cannot be passed on "
            "to a host that is not on the allow-list"
        )


def post_webhook(message: AlertMessage, url: str, settings: DeliverySettings) -> None:
    """POST the message as JSON; any status other than 2xx is an error."""
    check_webhook_url(url, settings.allowed_hosts)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
    request = urllib.request.Request(
        url,
        data=message.as_json(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "refugewatch-alerts"},
    )
    try:
        with opener.open(request, timeout=settings.timeout_s) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, urllib.error.URLError) as exc:
        raise AlertDeliveryError(f"the webhook at {url} could not be reached ({exc})") from exc
    if not 200 <= status < 300:
        raise AlertDeliveryError(f"the webhook at {url} refused the alert (HTTP {status})")
