"""One root exception with specific subclasses.

Messages are written for a researcher, not a programmer: say what was wrong with which input and
what to do about it. Entry points (CLI, web) map these to exit codes / HTTP statuses; nothing else
catches them.
"""

from __future__ import annotations

from collections.abc import Sequence


class RefugewatchError(Exception):
    """Root of every error this project raises on purpose."""

    exit_code = 1


class ConfigurationError(RefugewatchError):
    """A setting is missing or malformed."""

    exit_code = 2


class IngestError(RefugewatchError):
    """A file could not be turned into a document; nothing was stored."""

    exit_code = 3


class UnsupportedFormatError(IngestError):
    """The file type is not one refugewatch reads."""


class EmptyDocumentError(IngestError):
    """The file holds no text."""


class FileTooLargeError(IngestError):
    """The file is larger than the configured limit."""


class UndecodableTextError(IngestError):
    """The bytes are not text in any encoding refugewatch can detect reliably."""


class MalformedDocumentError(IngestError):
    """The file claims a format but its content is broken (corrupt PDF, binary junk)."""


class NotFoundError(RefugewatchError):
    """A case, document or claim with that identifier does not exist."""

    exit_code = 4


class StorageError(RefugewatchError):
    """The database could not be opened, migrated or written."""

    exit_code = 5


class ValidationError(RefugewatchError):
    """One or more values are invalid; every problem is reported together."""

    exit_code = 6

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class AccessDeniedError(RefugewatchError):
    """The current user's role does not allow this action."""

    exit_code = 7


class DuplicateDocumentError(StorageError):
    """Another writer stored a document with the same sha256 first; the bytes are already kept."""


class CryptoError(RefugewatchError):
    """Protected data could not be locked, unlocked, signed or checked."""

    exit_code = 8


class WrongPassphraseError(CryptoError):
    """The passphrase does not unlock the key (or the key file was altered)."""


class WrongKeyError(CryptoError):
    """The data was locked with a different key than the one given."""


class TamperedDataError(CryptoError):
    """Encrypted or signed data was changed, cut short, moved or replayed."""


class ConsentRequiredError(AccessDeniedError):
    """The case's recorded consent does not allow an output for this audience."""


class GazetteerDataError(ValidationError):
    """The gazetteer data (places, aliases, coordinates) has malformed rows; all are listed."""


class AlertDeliveryError(RefugewatchError):
    """An alert could not be delivered (mail server or webhook unreachable or refused it)."""

    exit_code = 9


class DeliveryNotAllowedError(AlertDeliveryError):
    """The alert destination is not on the allow-list; nothing was sent and no connection made."""


class DraftingError(RefugewatchError):
    """An advocacy draft cannot be written from what the case holds (no usable claims)."""

    exit_code = 10


class LoginFailedError(AccessDeniedError):
    """A login was refused: wrong name or password, disabled account, or too many attempts.

    The message is the same in every case so that user names cannot be probed; `retry_after`
    (seconds) is set while the account is locked after repeated failures."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginRequiredError(AccessDeniedError):
    """The request comes from nobody signed in (or a session that ended); sign in first."""


class TooManyRequestsError(AccessDeniedError):
    """Too many attempts from one place in a short time; `retry_after` says how many seconds
    to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
