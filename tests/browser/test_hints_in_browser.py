"""In a browser: the console's panel follows what the operator types (category hint, the
emergency banner), 采用 chooses the category; the dispatch form's panel chooses a department,
and the dispatch records the hint's outcome."""

from __future__ import annotations

import pytest

from minyi.hints.models import HintKind, HintOutcome
from minyi.hints.services import model_train
from tests.browser.people import person, sign_in
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    UserFactory,
    hint_rows,
    hint_text,
    make_order,
)

pytestmark = pytest.mark.browser


def _until(condition, seconds: float = 5.0) -> None:
    """Poll from Python: the CSP forbids the string evaluation wait_for_function uses."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _empty_model_cache(settings):
    """Every hint looks for a newer model and the names (no process cache across tests)."""
    from minyi.hints import store

    settings.HINTS_RECHECK_SECONDS = 0
    store.forget()
    yield
    store.forget()


@pytest.fixture
def models(transactional_db):
    depts = {m: DepartmentFactory(name=f"{m}部门") for m in ("城管", "住建", "交通")}
    cats = {m: CategoryFactory(name=f"{m}分类") for m in depts}
    rows = hint_rows({m: (cats[m].pk, depts[m].pk) for m in depts})
    for kind in HintKind.values:
        model_train(kind=kind, rows=rows)
    return {"depts": depts, "cats": cats}


def test_the_operator_takes_the_category_hint_and_sees_an_emergency(
    asgi_server,
    page,
    models,
):
    person(UserFactory, username="olivia", role="operator")
    sign_in(page, asgi_server, "olivia")
    page.goto(f"{asgi_server}/console/")
    page.keyboard.press("F2")
    page.wait_for_selector("#intake-form")
    page.fill("#id_title", "楼顶漏水")
    page.fill("#id_content", hint_text("住建", 321))
    page.wait_for_selector("#hints-intake .hint-items")
    assert "住建分类" in page.inner_text("#hints-intake .hint-items li:first-child")

    page.click("#hints-intake .hint-items li:first-child button")
    _until(lambda: page.input_value("#id_category") == str(models["cats"]["住建"].pk))

    page.fill("#id_content", "楼下正在着火了，快来人啊")
    page.wait_for_selector("#scope-emergency")
    assert "请立即转接110/119/120/122" in page.inner_text("#scope-emergency")


def test_the_dispatcher_takes_the_second_suggestion_and_the_outcome_is_recorded(
    asgi_server,
    page,
    models,
):
    person(UserFactory, username="dan", role="dispatcher")
    order = make_order("accepted", title="人行道摆摊", content=hint_text("城管", 654))
    sign_in(page, asgi_server, "dan")
    page.goto(f"{asgi_server}/work/orders/{order.number}/?do=dispatch")
    page.wait_for_selector("#hints-dispatch .hint-items")
    second = page.inner_text("#hints-dispatch .hint-items li:nth-child(2) strong")

    page.click("#hints-dispatch .hint-items li:nth-child(2) button")
    _until(lambda: page.locator("#id_dispatch_lead option:checked").inner_text() == second)
    page.click("#action-dispatch button[type=submit]")
    page.wait_for_selector(".messages")

    outcome = HintOutcome.objects.get()
    assert outcome.rank == 2 and outcome.kind == HintKind.DEPARTMENT
