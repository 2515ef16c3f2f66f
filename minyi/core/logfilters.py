"""Logging filters that keep personal data out of every log line (DESIGN §9).

``MaskPersonalData`` sits on every handler in ``settings.LOGGING``: whatever a record says — its
message, its arguments, its traceback — phone numbers become ``138****5678``, SMS codes and ID
numbers are starred (``minyi.core.masking.mask_numbers_in``). It changes the record in place,
so a handler after it sees the masked record too.

``DropQueryValues`` sits on the access logs (uvicorn's ``uvicorn.access``, and Django's
``django.server`` under runserver): a request line keeps its path and the names of its query
parameters, never their values — ``GET /console/intake/?call=…&tab=…``.

The servers' own loggers are configured by the server before it imports the app (uvicorn's
``--log-level``, ``--no-access-log``, ``--log-config``): ``guard_server_loggers`` leaves that
configuration as it is and only filters what they log — on the loggers themselves, so a record
is masked before any handler sees it, the server's own or the root's after propagation — and,
with ``LOG_FORMAT=json``, gives the server's handlers the app's JSON format, request id
included (``minyi.core.jsonlog``, ``minyi.core.log_context``).

This module imports nothing from Django, so a log configuration can name it before Django has
started.
"""

from __future__ import annotations

import logging
import re
import traceback

from minyi.core.jsonlog import JsonFormatter
from minyi.core.log_context import ContextFilter
from minyi.core.masking import mask_numbers_in

_QUERY = re.compile(r"\?([^\s\"']*)")


def _mask(value):
    return mask_numbers_in(value) if isinstance(value, str) else value


def _separable(record: logging.LogRecord) -> bool:
    """Whether the arguments can be masked one by one: strings, and numbers that are not
    themselves a phone number. uvicorn's access formatter reads them one by one."""
    if not isinstance(record.msg, str):
        return False
    if not record.args:
        return True
    if not isinstance(record.args, tuple):
        return False
    return all(
        isinstance(arg, str) or (isinstance(arg, int | float) and _mask(str(arg)) == str(arg))
        for arg in record.args
    )


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_personal_data_masked", False):
            return True
        if _separable(record):
            record.msg = _mask(record.msg)
            record.args = tuple(_mask(arg) for arg in record.args) if record.args else record.args
        else:
            # a mapping, an object whose str() may hold a number, a number that is one: render
            # the line now and mask it whole
            record.msg, record.args = _mask(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = _mask(record.exc_text)
        record.stack_info = _mask(record.stack_info)
        record._personal_data_masked = True
        return True


def _names_only(match: re.Match) -> str:
    names = [part.split("=", 1)[0] for part in match.group(1).split("&") if part]
    return "?" + "&".join(f"{name}=…" for name in names) if names else "?"


def drop_query_values(text: str) -> str:
    """``/x/?phone=138…&tab=a`` → ``/x/?phone=…&tab=…``."""
    return _QUERY.sub(_names_only, text) if isinstance(text, str) else text


class DropQueryValues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = drop_query_values(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(drop_query_values(a) for a in record.args)
        return True


SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi", "uvicorn.access", "django.server")
ACCESS_LOGGERS = ("uvicorn.access", "django.server")


def _ensure(filterer: logging.Filterer, cls: type[logging.Filter]) -> None:
    if not any(isinstance(f, cls) for f in filterer.filters):
        filterer.addFilter(cls())


def guard_server_loggers(*, json: bool = False) -> None:
    """Mask what the server's loggers log, whatever handlers the server gave them, and write
    it in the app's JSON format when ``json`` (run when the app starts: ``CoreConfig.ready``).
    Idempotent."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if name in ACCESS_LOGGERS:
            _ensure(logger, DropQueryValues)  # before the masking: it sees the whole query
        _ensure(logger, MaskPersonalData)
        for handler in logger.handlers:  # what a child logger propagates to them
            _ensure(handler, ContextFilter)
            _ensure(handler, MaskPersonalData)
            if json and not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
