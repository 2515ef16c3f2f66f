"""Hostile input to every URL pattern and every form field: no 5xx anywhere.

Every leaf of ``get_resolver().url_patterns`` (the admin's too) is sent, as an anonymous visitor
and as each role: its parameters replaced one at a time by hostile values (NUL, invalid UTF-8,
year 0001/9999, very long, "²", huge numbers), hostile query strings, a hostile form body, raw
bytes no UTF-8 holds, and non-object, deep, NUL-carrying and oversize JSON. Then every form of
the project (``forms_map``), as a persona allowed to use it, with a valid body in which one
field at a time takes a hostile value of its kind — by form post, and as JSON on the API.

The combinations are chosen, not multiplied out: values rotate across URLs and personas; the
full set of values goes to each parameter once, as the most privileged persona, and to each
field once, as its user. Bad encoding must be refused with 400, whoever asks and wherever.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from minyi.adminsite import protected
from minyi.core import clock, idempotency
from tests.factories import MONDAY
from tests.fuzz import hostile as h
from tests.fuzz.forms_map import FormCase, baseline, form_cases, pdf
from tests.fuzz.world import admin_model_for, administrator_for, build_world, routes, valid_values

pytestmark = pytest.mark.django_db

# The console's live stream never ends; it is a GET whose only input is the session.
STREAMING = {"console-events"}
# The admin's patterns: each as the administrator whose duty it is, and as one of the others in
# turn (the other administrators and the refused: anonymous, a workbench role).
ADMIN_OTHERS = ("anonymous", "operator", "admin", "security", "audit", "dispatcher")


@pytest.fixture(autouse=True)
def _monday():
    """One moment for the world and every request: the deadlines the forms need are fixed."""
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def world(db, settings):
    # The log-in form checks a password per request; the production hasher takes 0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Thousands of refusals are logged with their tracebacks otherwise: the fuzz's slowest part."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def fuzzer(client):
    fuzzer = h.Fuzzer(client)
    yield fuzzer
    fuzzer.close()


def assert_no_failures(fuzzer: h.Fuzzer) -> None:
    """5xx first, then the bad encodings that were not refused, with a count of each status."""
    failures = sorted(fuzzer.failures, key=lambda f: f.status < 500)
    counts = Counter(f.status for f in failures)
    shown = "\n".join(str(f) for f in failures[:30])
    assert not failures, f"{len(failures)} of {fuzzer.sent} requests {dict(counts)}:\n{shown}"


def _most_seeing(route, world):
    return (
        administrator_for(world, admin_model_for(route))
        if route.is_admin
        else (world.personas["dispatcher"])
    )


def _personas(route, world, turn: int):
    if not route.is_admin:
        return list(world.personas.values())
    return [_most_seeing(route, world), world.personas[ADMIN_OTHERS[turn % len(ADMIN_OTHERS)]]]


def test_every_url_takes_hostile_parameters_and_queries_without_a_5xx(world, fuzzer):
    found, choices = routes()
    texts, raws, paths = (itertools.cycle(v) for v in (h.TEXT_VALUES, h.RAW_VALUES, h.PATH_VALUES))
    for turn, route in enumerate(found):
        if route.name in STREAMING:
            continue
        valid = valid_values(route, world, choices)
        for user in _personas(route, world, turn):
            fuzzer.as_user(user)
            value = next(texts)
            fuzzer.get(route.fill(valid), h.encode_query((n, value) for n in h.QUERY_NAMES))
            fuzzer.get(route.fill(valid), f"q={next(raws)}", expect_400=True)
            for param in route.params:
                bad = next(paths)
                path = route.fill({**valid, param: bad})
                fuzzer.get(path, expect_400=bad in h.PATH_BAD_ENCODING)
        # the full set of values for each parameter, as the persona who sees the most
        fuzzer.as_user(_most_seeing(route, world))
        for param, bad in itertools.product(route.params, h.PATH_VALUES):
            path = route.fill({**valid, param: bad})
            fuzzer.get(path, expect_400=bad in h.PATH_BAD_ENCODING)
    assert fuzzer.sent > 1000
    assert_no_failures(fuzzer)


def test_every_url_takes_hostile_bodies_without_a_5xx(world, fuzzer):
    found, choices = routes()
    texts, raws = itertools.cycle(h.TEXT_VALUES), itertools.cycle(h.RAW_VALUES)
    bodies = itertools.cycle(h.JSON_BODIES)
    names = ["note", "content", "title", "due", "lead", "request", "q", "action", "username"]
    for turn, route in enumerate(found):
        if route.name in STREAMING:
            continue
        path = route.fill(valid_values(route, world, choices))
        for user in _personas(route, world, turn):
            fuzzer.as_user(user)
            value = next(texts)
            fuzzer.post_form(path, {n: value for n in names})
            raw = f"note={next(raws)}&content=x".encode()
            fuzzer.post_raw(path, raw, "application/x-www-form-urlencoded", expect_400=True)
            fuzzer.post_json(path, next(bodies))
    assert_no_failures(fuzzer)


def test_every_admin_changelist_takes_hostile_field_filters_without_a_5xx(world, fuzzer):
    # The admin turns any query parameter into a filter on any field: each field of each
    # model it shows gets each lookup once, with a hostile value in turn.
    values = itertools.cycle(h.ADMIN_VALUES)
    for model in admin.site._registry:
        fuzzer.as_user(administrator_for(world, model))
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and not protected.touches_protected(
                model, field.name
            ):
                for lookup in h.ADMIN_LOOKUPS:
                    fuzzer.get(url, h.encode_query([(field.name + lookup, next(values))]))
    assert fuzzer.sent > 500
    assert_no_failures(fuzzer)


# -- every field of every form --------------------------------------------------------------


def _hostile_for(field: forms.Field) -> list:
    if isinstance(field, forms.FileField):
        return [pdf("a\x00b.pdf"), pdf("x" * 300 + ".pdf"), pdf("../../settings.py")]
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        return ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31", "0000-00-00", "x" * 1000]
    if isinstance(field, forms.CharField):
        return ["x" * 100_000, "²", "9999-12-31", "<script>alert(1)</script>"]
    return ["²", "99999999999999999999999", "-1", "x" * 1000, "9999-12-31"]


def _as_json(data: dict) -> dict:
    out = {}
    for name, value in data.items():
        if hasattr(value, "read"):  # files go by multipart only
            continue
        out[name] = True if value == "on" else value
    return out


def _fuzz_case(fuzzer: h.Fuzzer, case: FormCase, json_values) -> None:
    """The valid body, then each field with each hostile value of its kind (the API: as JSON,
    plus JSON's own types), then every field NUL at once and raw bytes that are not UTF-8."""
    fuzzer.as_user(case.user)
    base = baseline(case)

    def submit(data: dict, **kwargs):
        if case.method == "GET":
            pairs = [
                (k, v) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])
            ]
            return fuzzer.get(case.path, h.encode_query(pairs), **kwargs)
        # a fresh upload each time: the client reads a file to its end
        data = {k: (pdf(v.name) if hasattr(v, "read") else v) for k, v in data.items()}
        if idempotency.FIELD in data and data[idempotency.FIELD] == base.get(idempotency.FIELD):
            # a new submission each time, or every post after the first would be a repeat of it
            data[idempotency.FIELD] = idempotency.new_key()
        return fuzzer.post_form(case.path, data, **kwargs)

    submit(base)
    fields = case.form.fields.items()
    if case.json:
        body = _as_json(base)
        fuzzer.post_json(case.path, body)
        for name, field in fields:
            if case.key(name) not in body:
                continue
            for bad in [*_hostile_for(field), next(json_values), next(json_values)]:
                fuzzer.post_json(case.path, {**body, case.key(name): bad})
    else:
        for turn, (name, field) in enumerate(fields):
            values = _hostile_for(field)
            if case.light:  # the same form and service as its API twin: two values per field
                values = [values[(turn + i) % len(values)] for i in range(2)]
            for bad in values:
                submit({**base, case.key(name): bad})
    text_fields = [case.key(n) for n, f in fields if not isinstance(f, forms.FileField)]
    if text_fields:
        submit({**base, **{n: "\x00" for n in text_fields}}, expect_400=True)
    if case.method == "POST" and text_fields:
        raw = "&".join(f"{n}=%ED%A0%80" for n in text_fields).encode()
        fuzzer.post_raw(case.path, raw, "application/x-www-form-urlencoded", expect_400=True)


def test_every_form_field_takes_hostile_values_without_a_5xx(world, fuzzer):
    json_values = itertools.cycle(h.JSON_VALUES)
    for case in form_cases(world):
        _fuzz_case(fuzzer, case, json_values)
    assert_no_failures(fuzzer)


def test_the_json_api_takes_hostile_bodies_as_each_role(world, fuzzer):
    order = world.orders["signed"]
    paths = [f"/api/orders/{order.number}/actions/{a}/" for a in ("reply", "extend", "sign")]
    paths.append("/api/cti/events")
    for user in world.personas.values():
        fuzzer.as_user(user)
        for path, body in itertools.product(paths, h.JSON_BODIES):
            fuzzer.post_json(path, body)
    assert_no_failures(fuzzer)


def test_every_form_of_the_project_is_in_the_fuzz_map(world):
    from tests.core.test_form_limits import FORMS as PROJECT_FORMS

    fuzzed = {case.form_class for case in form_cases(world)}
    # A form counts when a case fuzzes it or a form built from it (an abstract base through
    # its subclasses; the admin's forms through the class it builds per request).
    missing = [
        f"{c.__module__}.{c.__qualname__}"
        for c in PROJECT_FORMS
        if "<locals>" not in c.__qualname__ and not any(issubclass(f, c) for f in fuzzed)
    ]
    assert not missing, f"add these forms to tests/fuzz/forms_map.py: {missing}"
