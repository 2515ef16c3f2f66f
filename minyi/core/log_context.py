"""Where a log line came from: the request it was logged for, or the background task.

``REQUEST_ID`` is set by ``minyi.core.request_id.RequestIdMiddleware`` for each request and
``TASK_ID`` by the worker around each task (``minyi.core.worker``). ``ContextFilter`` sits on
every handler (``settings.LOGGING``, and uvicorn's through ``guard_server_loggers``) and writes
them onto each record, which the JSON formatter puts in every line (``minyi.core.jsonlog``).

They are context variables, not thread-locals: under ASGI a request's code runs in a reused
worker thread and on the event loop in turn, and asgiref copies the request's context into the
thread for each call and back out afterwards, so every line logged for a request — in its
thread, by Django after the middleware, by uvicorn's access log — names that request, and a
reused thread never carries the previous one's id.

This module imports nothing from Django, so a log configuration can name it before Django has
started.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("minyi_request_id", default=None)
TASK_ID: ContextVar[str | None] = ContextVar("minyi_task_id", default=None)


@contextmanager
def task(task_id) -> Iterator[None]:
    """Lines logged inside carry ``task_id``: a task the worker runs."""
    token = TASK_ID.set(str(task_id))
    try:
        yield
    finally:
        TASK_ID.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
            task_id = TASK_ID.get()
            if task_id is not None:
                record.task_id = task_id
        return True
