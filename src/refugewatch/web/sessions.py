"""Login sessions: server-side, in memory, with idle and absolute expiry.

The browser holds only a random session id (HttpOnly, SameSite=Strict, Secure unless the operator
turned it off for plain-http testing). The server keeps who it belongs to and when it expires, so
logging out ends the session for good, and a restart ends every session (as it renews the CSRF
secret). Ids are kept as their SHA-256 only: a memory dump of the table holds no usable cookie.

The user behind a session is read from the database on every request, so a disabled account or a
changed role takes effect at the next click, not at the next login.

A login attempt limiter per client address sits beside the sessions: the account lockout in
services.protection_users stops guessing one account's password; this stops one address from
trying many accounts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, replace

SESSION_COOKIE = "refugewatch_session"
# 32 random bytes: as strong as the CSRF tokens; unguessable by any online attack.
SESSION_ID_BYTES = 32
# Idle timeout: a laptop left open at a meeting locks itself within the hour.
IDLE_TIMEOUT = dt.timedelta(hours=1)
# Absolute lifetime: one working day; then the researcher signs in again.
MAX_LIFETIME = dt.timedelta(hours=12)
# Bound on live sessions (memory); past it the least recently used session ends first.
MAX_SESSIONS = 10_000
# Failed sign-ins one client address may make per window, whatever the user names: enough for
# an office behind one NAT address mistyping, too few for a script trying many accounts.
MAX_LOGIN_ATTEMPTS_PER_ADDRESS = 20
LOGIN_WINDOW = dt.timedelta(minutes=5)
# Addresses the limiter remembers at most (memory bound); the oldest are forgotten first.
MAX_TRACKED_ADDRESSES = 10_000

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Session:
    username: str
    started: dt.datetime
    last_seen: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now - self.last_seen > IDLE_TIMEOUT or now - self.started > MAX_LIFETIME


class SessionStore:
    """Thread-safe table of live sessions (routes run in a thread pool)."""

    def __init__(self, clock: Clock = utc_now, max_sessions: int = MAX_SESSIONS) -> None:
        self._clock = clock
        self._max = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, username: str) -> str:
        """A new session id for the user (a fresh id at every login: no session fixation)."""
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        now = self._clock()
        with self._lock:
            self._sessions[_digest(session_id)] = Session(username, now, now)
            while len(self._sessions) > self._max:
                self._sessions.popitem(last=False)
        return session_id

    def user_of(self, session_id: str | None) -> str | None:
        """The user name of a live session (and the session is touched), else None."""
        if not session_id:
            return None
        key, now = _digest(session_id), self._clock()
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if session.expired(now):
                del self._sessions[key]
                return None
            self._sessions[key] = replace(session, last_seen=now)
            self._sessions.move_to_end(key)
            return session.username

    def end(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._sessions.pop(_digest(session_id), None)

    def end_all_of(self, username: str) -> int:
        """End every session of a user (account disabled); returns how many ended."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.username == username]
            for key in keys:
                del self._sessions[key]
        return len(keys)

    def __len__(self) -> int:
        return len(self._sessions)


class LoginLimiter:
    """Sliding-window count of failed sign-ins per client address, bounded in memory."""

    def __init__(
        self,
        clock: Clock = utc_now,
        max_attempts: int = MAX_LOGIN_ATTEMPTS_PER_ADDRESS,
        window: dt.timedelta = LOGIN_WINDOW,
        max_addresses: int = MAX_TRACKED_ADDRESSES,
    ) -> None:
        self._clock = clock
        self._max_attempts = max_attempts
        self._window = window
        self._max_addresses = max_addresses
        self._attempts: OrderedDict[str, deque[dt.datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_seconds(self, address: str) -> int:
        """0 when this address may try to sign in now, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            times = self._recent(address, now)
            if len(times) < self._max_attempts:
                return 0
            return max(1, math.ceil((times[0] + self._window - now).total_seconds()))

    def record_failure(self, address: str) -> None:
        """Count a failed sign-in (a successful one costs nothing, so an office that signs in
        all day is never slowed down)."""
        now = self._clock()
        with self._lock:
            self._recent(address, now).append(now)
            while len(self._attempts) > self._max_addresses:
                self._attempts.popitem(last=False)

    def _recent(self, address: str, now: dt.datetime) -> deque[dt.datetime]:
        """The address's failures inside the window (older ones dropped); most recent last."""
        times = self._attempts.pop(address, None) or deque()
        while times and now - times[0] >= self._window:
            times.popleft()
        self._attempts[address] = times
        return times
