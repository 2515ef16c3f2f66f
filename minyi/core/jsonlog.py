"""One JSON object per log line (``LOG_FORMAT=json``, the default when DEBUG is off).

Every line has ``time`` (ISO 8601, Beijing time), ``level``, ``logger``, ``message`` and
``request_id`` (null outside a request: the worker, the scheduler, a command), then
``task_id`` for a line logged inside a background task, ``exception`` with the traceback when
there is one, and whatever a caller passed in ``extra=``.

Nothing in it is a full phone number, an SMS code or an ID number, in any field: the handler's
``MaskPersonalData`` has masked the message, its arguments and the traceback before this
formatter runs, and the formatter masks every field it writes once more by the same rule
(``mask_numbers_in``), extra fields included — each value read after its field's name, so
``{"code": "482913"}`` is caught like ``code=482913`` in a sentence.

This module imports nothing from Django, so a log configuration can name it before Django has
started.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

from minyi.core.masking import mask_numbers_in
from minyi.core.timefmt import log_time

FIRST = ("time", "level", "logger", "message", "request_id")
# Record attributes never written as extra fields: the ones written first, our filters' marks,
# uvicorn's ANSI-coloured copy of the message, and Django's request object (its text holds the
# query string's values; the message already names the path).
NOT_WRITTEN = (*FIRST, "_personal_data_masked", "color_message", "request", "taskName")


def _masked_text(name: str, text: str) -> str:
    """``text`` masked as it reads after its field's name (``sms_code`` reads ``sms code=``)."""
    label = f"{name.replace('_', ' ')}="
    masked = mask_numbers_in(label + text)
    return masked[len(label) :] if masked.startswith(label) else mask_numbers_in(text)


def masked(name: str, value):
    """``value`` with every phone number, SMS code and ID number in it masked; what JSON cannot
    hold as it is becomes its text (as the encoder would write it), masked."""
    if value is None or isinstance(value, bool | datetime | date):
        return value
    if isinstance(value, str):
        return _masked_text(name, value)
    if isinstance(value, int | float):
        text = str(value)
        hidden = _masked_text(name, text)
        return value if hidden == text else hidden
    if isinstance(value, dict):
        return {str(key): masked(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [masked(name, item) for item in value]
    return _masked_text(name, str(value))


class JsonFormatter(LibraryJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NOT_WRITTEN])
        kwargs.setdefault("rename_fields", {"exc_info": "exception", "stack_info": "stack"})
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese as it is, for people reading
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data.update(
            time=log_time(record.created),
            level=record.levelname,
            logger=record.name,
            message=record.message,
            request_id=getattr(record, "request_id", None),
        )
        super().add_fields(log_data, record, message_dict)

    def process_log_record(self, log_data: dict) -> dict:
        return {
            name: value if name in ("time", "level", "logger") else masked(name, value)
            for name, value in log_data.items()
        }
