"""Domain errors: raised by services, turned into a clear 4xx message by pages and the API."""

from django.core.exceptions import BadRequest


class DomainError(Exception):
    """An action that the current state does not allow. ``message`` is shown to users (Chinese)."""

    code = "not_allowed"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ValidationFailed(DomainError):
    code = "invalid"


class ConcurrentChange(DomainError):
    code = "conflict"


class BadInput(BadRequest):
    """A request refused before any view work: a 400 whose page (or API body) shows ``message``
    with ``code`` (``minyi.core.error_views``). The request guard's and the admin filters'."""

    code = "bad_request"

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
