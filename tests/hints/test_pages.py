"""The hints on the pages: the accuracy page (its numbers, who may read it), the panels beside
the console's intake form and the dispatch form (who gets them, what they show), the scope hint
with its reason and basis, the emergency one prominent — a hint, never a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.hints import selectors
from minyi.hints.models import HintKind, HintOutcome
from minyi.orders.models import Status
from tests.factories import MONDAY, UserFactory, hint_text, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

STALLS = "商户在人行道摆摊，流动摊贩占道经营，傍晚影响通行。"


def _outcome(order, rank, *, version=1, kind=HintKind.DEPARTMENT, at=MONDAY):
    return HintOutcome.objects.create(
        order=order,
        kind=kind,
        suggested=[[1, 0.8], [2, 0.1], [3, 0.05]],
        chosen=1,
        rank=rank,
        model_version=version,
        at=at,
    )


# -- the accuracy page ------------------------------------------------------------------------


def test_the_accuracy_page_shows_top1_and_top3_per_week_and_per_version(client, dan):
    order = make_order("accepted")
    with clock.frozen(MONDAY + timedelta(days=3)):
        # last week (Monday 2026-02-23): 1 of 2 first, 2 of 2 in the three, model v1
        _outcome(order, 1, at=MONDAY - timedelta(days=7))
        _outcome(order, 3, at=MONDAY - timedelta(days=6))
        # this week (2026-03-02): 1 of 4 first, 3 of 4 in the three, model v2
        for rank in (1, 2, 3, None):
            _outcome(order, rank, version=2)
        _outcome(order, 1, kind=HintKind.CATEGORY, version=1)
        client.force_login(dan)
        html = client.get("/work/hints/").content.decode()

    weeks = html[html.index('id="hint-weeks"') : html.index('id="hint-versions"')]
    assert (
        '2026-03-02</td><td data-label="决定数">4</td><td data-label="首选命中">25%</td><td data-label="前三命中">75%'
        in weeks
    )
    assert (
        '2026-02-23</td><td data-label="决定数">2</td><td data-label="首选命中">50%</td><td data-label="前三命中">100%'
        in weeks
    )
    versions = html[html.index('id="hint-versions"') : html.index('id="hint-models"')]
    assert '第 2 版</td><td data-label="决定数">4</td>' in versions
    assert '第 1 版</td><td data-label="决定数">2</td><td data-label="首选命中">50%' in versions
    totals = html[html.index('id="hint-totals"') : html.index('id="hint-weeks"')]
    assert (
        '主办单位</td><td data-label="决定数">6</td><td data-label="首选命中">33%</td><td data-label="前三命中">83%'
        in totals
    )
    assert '诉求分类</td><td data-label="决定数">1</td><td data-label="首选命中">100%' in totals


def test_the_accuracy_page_lists_the_models_with_their_held_out_accuracy(client, dan, trained):
    client.force_login(dan)
    html = client.get("/work/hints/").content.decode()

    models = html[html.index('id="hint-models"') :]
    assert "第 1 版" in models and '<td data-label="样本数">240</td>' in models


def test_with_no_model_the_accuracy_page_says_why(client, dan):
    client.force_login(dan)
    html = client.get("/work/hints/").content.decode()

    assert "尚未训练模型（已派单的历史工单不足 200 件时不训练）" in html


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.LIAISON, Role.ADMIN])
def test_the_dispatcher_the_liaison_officer_and_the_admin_read_the_accuracy(client, role):
    sign_in(client, UserFactory(role=role))

    assert client.get("/work/hints/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.HANDLER, Role.CALLBACK, Role.SECURITY, Role.AUDIT]
)
def test_other_roles_may_not_read_the_accuracy(client, role, dept_a):
    extra = {"department": dept_a} if role == Role.HANDLER else {}
    sign_in(client, UserFactory(role=role, **extra))

    assert client.get("/work/hints/").status_code == 403


def test_a_deputy_may_not_read_the_accuracy(client, deputy):
    from tests.workbench.detail_helpers import deputy_user

    client.force_login(deputy_user(deputy))

    assert client.get("/work/hints/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/work/hints/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


# -- the console's panel ----------------------------------------------------------------------


def test_the_console_panel_shows_the_category_hint_as_the_operator_types(client, olivia, trained):
    client.force_login(olivia)
    html = client.post(
        "/work/hints/intake/", {"title": "楼顶漏水", "content": hint_text("住建", 900)}
    ).content.decode()

    assert "诉求分类提示" in html and html.index("住房物业") < html.index("交通出行")
    assert "%</span>" in html and "模型第 1 版" in html
    assert f'hx-get="/work/hints/categories/?selected={trained["cats"]["住建"].pk}"' in html


def test_the_console_panel_asks_for_text_first(client, olivia, trained):
    client.force_login(olivia)
    html = client.post("/work/hints/intake/", {"title": "", "content": ""}).content.decode()

    assert "填写标题和诉求内容后显示提示。" in html


def test_picking_a_category_renders_the_options_with_it_chosen(client, olivia, trained):
    client.force_login(olivia)
    pk = trained["cats"]["交通"].pk
    html = client.get(f"/work/hints/categories/?selected={pk}").content.decode()

    assert f'<option value="{pk}" selected>交通出行</option>' in html


def test_the_intake_form_carries_the_hint_panel(client, olivia):
    client.force_login(olivia)
    html = client.get("/console/intake/").content.decode()

    assert 'id="hints-intake"' in html and 'hx-params="title,content"' in html


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.HANDLER, Role.LIAISON])
def test_only_the_operator_gets_the_console_panel(client, role, dept_a):
    extra = {"department": dept_a} if role == Role.HANDLER else {}
    client.force_login(UserFactory(role=role, **extra))

    assert client.post("/work/hints/intake/", {"title": "x", "content": "y"}).status_code == 403


# -- the dispatch panel -----------------------------------------------------------------------


def test_the_dispatch_form_loads_the_department_hint(client, dan, trained):
    order = make_order("accepted", title="人行道摆摊", content=STALLS)
    client.force_login(dan)
    page = client.get(f"/work/orders/{order.number}/?do=dispatch").content.decode()
    assert f'hx-get="/work/hints/orders/{order.number}/"' in page

    html = client.get(f"/work/hints/orders/{order.number}/").content.decode()

    assert "主办单位提示" in html
    assert html.index("市城市管理和综合执法局") < html.index("市交通运输局")
    assert 'hx-target="#id_dispatch_lead"' in html


def test_picking_a_department_renders_the_lead_options_with_it_chosen(client, dan, trained):
    order = make_order("accepted", content=STALLS)
    pk = trained["depts"]["交通"].pk
    client.force_login(dan)
    html = client.get(f"/work/hints/orders/{order.number}/lead/?selected={pk}").content.decode()

    assert f'<option value="{pk}" selected>市交通运输局</option>' in html


def test_a_department_handler_gets_no_dispatch_panel(client, hana, trained):
    order = make_order("signed", lead=hana.department, handler=hana)
    client.force_login(hana)

    assert client.get(f"/work/hints/orders/{order.number}/").status_code == 403
    assert client.get(f"/work/hints/orders/{order.number}/lead/").status_code == 403


def test_an_order_the_operator_may_not_see_has_no_panel(client, olivia, trained):
    order = make_order("accepted", operator=UserFactory(username="other_op", role=Role.OPERATOR))
    client.force_login(olivia)

    assert client.get(f"/work/hints/orders/{order.number}/").status_code == 404


# -- the scope hint ---------------------------------------------------------------------------


def test_an_emergency_hint_says_transfer_now_prominently(client, olivia, monkeypatch):
    monkeypatch.setattr(selectors, "_scope_code", lambda text: "emergency")
    client.force_login(olivia)
    html = client.post(
        "/work/hints/intake/", {"title": "着火了", "content": "楼下正在着火，快来人"}
    ).content.decode()

    assert (
        'class="banner deputy" role="alert" id="scope-emergency">请立即转接110/119/120/122' in html
    )
    assert "应由110、119、120、122等紧急专线受理" in html
    assert "不会自动不予受理" in html


def test_a_scope_hint_shows_the_reason_and_its_basis_and_refuses_nothing(client, dan, monkeypatch):
    monkeypatch.setattr(selectors, "_scope_code", lambda text: "party_congress_cppcc")
    order = make_order("accepted", title="政协委员", content="反映政协委员提案的事")
    client.force_login(dan)
    html = client.get(f"/work/hints/orders/{order.number}/").content.decode()

    assert "属于党委、人大、政协管辖范围" in html
    assert "可通过人大代表联络机构等渠道反映" in html  # the basis
    assert "仅为提示" in html
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_no_scope_hint_for_an_ordinary_matter(client, olivia, monkeypatch):
    monkeypatch.setattr(selectors, "_scope_code", lambda text: None)
    client.force_login(olivia)
    html = client.post(
        "/work/hints/intake/", {"title": "路灯", "content": "路灯坏了"}
    ).content.decode()

    assert "受理范围提示" not in html and "请立即转接" not in html


def test_the_text_engine_hints_an_emergency_happening_now(client, olivia):
    client.force_login(olivia)
    html = client.post(
        "/work/hints/intake/", {"title": "着火了", "content": "楼下正在着火了，快来人啊"}
    ).content.decode()

    assert "请立即转接110/119/120/122" in html


def test_the_dispatcher_finds_the_accuracy_page_in_the_header(client, dan):
    client.force_login(dan)
    html = client.get("/work/", follow=True).content.decode()

    assert '<a href="/work/hints/">派单提示</a>' in html
