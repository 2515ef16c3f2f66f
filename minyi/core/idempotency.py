"""Double submits are harmless: a double-click, a retried request or Back and resubmit of a
form that already acted answers like the first time and does nothing again.

A state-changing form carries a fresh key (a UUID) in a hidden field, made when the form is
rendered (``KeyedForm``; every order action's form and the console's forms derive from it). The
JSON API takes the key in the ``Idempotency-Key`` header (``header_key``). The view hands the
key, the action's scope and the work to ``perform_once``, which in one transaction:

1. INSERTs the key row (user, key) first. On PostgreSQL a concurrent insert of the same key
   waits for the first transaction to end, then hits the unique constraint;
2. finds the key already there (a double-click, a retry, a resubmitted stale form): same scope
   and same content → the stored result, ``repeated=True``, nothing done; another action or
   other content under the same key → ``KeyReused``, nothing done;
3. otherwise runs ``perform`` (the view's checks and the service, which lock and write their
   event rows) and stores what it returns (JSON: the message, the order number) in the row.

Anything ``perform`` raises (``Refused`` for a refusal the view answers itself) rolls the key
back with the work, so a refused or invalid form keeps its key and the corrected resubmission
goes through. Keys belong to one user: another user's use of the same key is a separate row.
A visitor who is not signed in (a citizen on 码上找代表's pages or the public API) passes
``actor=None`` (or the anonymous user): the key row has no user, and the key alone is unique.
The monthly housekeeping prunes rows older than ``MINYI["IDEMPOTENCY_KEEP_DAYS"]``.
docs/conventions.md says how a new form gets all this.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, transaction

from minyi.core import clock
from minyi.core import forms as core
from minyi.core.errors import BadInput, DomainError

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
# the request's own fields, which differ between two posts of the same form
_NOT_CONTENT = frozenset({FIELD, "csrfmiddlewaretoken"})


class KeyMissing(BadInput):
    code = "idempotency_key_missing"


class KeyMalformed(BadInput):
    code = "idempotency_key_malformed"


class KeyReused(DomainError):
    code = "idempotency_key_reused"


class Refused(Exception):
    """Raised by ``perform`` for a refusal the view answers itself (an invalid form, a domain
    error shown on the page): it leaves ``perform_once`` and so rolls the key back with the
    work. ``answer`` is what the view needs to answer it (the bound form, a response)."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer


MISSING = "表单缺少提交标识（页面可能已过期），未执行任何操作。请刷新页面后重新填写提交。"
MALFORMED = "提交标识格式有误，未执行任何操作。请刷新页面后重新填写提交。"
REUSED = "这张表单已经提交过，本次的操作或内容与前次不同，未执行。请刷新页面后重新填写。"


def new_key() -> str:
    return str(uuid.uuid4())


class KeyField(core.TextField):
    """The hidden key, a new one each time a blank form is rendered. The view reads it with
    ``posted_key`` before anything else (a refusal is a 400 page, not a field error)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=36, initial=new_key, label="提交标识", **kwargs)


class KeyedForm(core.Form):
    """The base of a form that changes something: it carries ``idempotency_key``."""

    idempotency_key = KeyField()


def rekeyed(data):
    """A copy of posted ``data`` with a fresh key: the form shown again after ``KeyReused``."""
    data = data.copy()
    data[FIELD] = new_key()
    return data


def parse_key(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)[:64])
    except ValueError:
        return None


def posted_key(request) -> uuid.UUID:
    """The form's key; missing or malformed → a Chinese 400 page (``KeyMissing``/``KeyMalformed``)."""
    raw = request.POST.get(FIELD, "")
    if not raw:
        raise KeyMissing(MISSING)
    key = parse_key(raw)
    if key is None:
        raise KeyMalformed(MALFORMED)
    return key


def header_key(request) -> uuid.UUID | None:
    """The API's ``Idempotency-Key`` header: None when absent (the request acts every time),
    ``KeyMalformed`` when it is not a UUID."""
    raw = request.headers.get(HEADER, "").strip()
    if not raw:
        return None
    key = parse_key(raw)
    if key is None:
        raise KeyMalformed("Idempotency-Key 须为 UUID（如 6f1c1f7e-3d7a-4c55-9a38-0d1f5b6a2c11）。")
    return key


def fingerprint(data, files=None) -> str:
    """A digest of what was submitted (without the key and the CSRF token): the same key with
    other content is not a repeat."""
    digest = hashlib.sha256()
    for name in sorted(set(data) - _NOT_CONTENT):
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        digest.update(repr((name, [str(v) for v in values])).encode())
    for name in sorted(files or ()):
        digest.update(repr((name, [(f.name, f.size) for f in files.getlist(name)])).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Once:
    result: dict
    repeated: bool  # True: answered from the first submission, nothing done now


def perform_once(
    *,
    key: uuid.UUID | None,
    actor,
    scope: str,
    perform: Callable[[], dict],
    fingerprint: str = "",
) -> Once:
    """Run ``perform`` once per (actor, key); see the module text. ``key=None`` (an API call
    without the header) runs it every time, in the same one transaction."""
    from minyi.core.models import IdempotencyKey

    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None  # a visitor: the row has no user (the key alone is unique)
    with transaction.atomic():
        if key is None:
            return Once(perform(), repeated=False)
        try:
            # a savepoint, so that the outer transaction survives the unique violation
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=actor,
                    key=key,
                    scope=scope[:200],
                    fingerprint=fingerprint,
                    created_at=clock.now(),
                )
        except IntegrityError:
            # the first submission has committed (PostgreSQL made this insert wait for it)
            row = IdempotencyKey.objects.get(user=actor, key=key)
            if (row.scope, row.fingerprint) != (scope[:200], fingerprint):
                raise KeyReused(REUSED) from None
            return Once(row.result, repeated=True)
        result = perform()
        row.result = result
        row.save(update_fields=["result"])
        return Once(result, repeated=False)


def flashed_once(
    request, *, key: uuid.UUID, scope: str, perform: Callable[[], dict]
) -> dict | None:
    """``perform_once`` for a form whose answer is a banner on the next page (a list's small
    form: pick, remove, lift, generate): the result, the same for the first submission and every
    repeat, or None when refused or the key was reused for something else — the banner then says
    why. ``perform`` raises ``Refused(<the words>)`` to refuse."""
    from django.contrib import messages as flash

    try:
        once = perform_once(
            key=key,
            actor=request.user,
            scope=scope,
            fingerprint=fingerprint(request.POST),
            perform=perform,
        )
    except Refused as refused:
        flash.error(request, refused.answer)
        return None
    except KeyReused as error:
        flash.error(request, error.message)
        return None
    return once.result
