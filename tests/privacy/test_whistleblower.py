"""The whistle-blower suite: a department never learns who reported (DESIGN §9).

For a 举报 from every channel — a citizen's call, a deputy's call (the deputy is the reporter),
a web message — and on every surface a department handler can reach, Hana (承办人 of the lead
department) sees neither the name, nor the phone number, nor the deputy, in any spelling:
full, masked, or spaced out.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from minyi.core import clock
from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_sweep, warning_notices_collect
from minyi.orders.models import WorkOrder
from minyi.orders.services.dispatch import assignment_sign, order_dispatch
from minyi.orders.services.sla import sla_scan
from minyi.privacy.models import PersonalDataAccess
from tests.factories import MONDAY, DeputyFactory, at, keyed, lead_of, make_order
from tests.privacy.helpers import REPORTERS, as_text, leaked, report

pytestmark = pytest.mark.django_db

CHANNELS = list(REPORTERS)


@pytest.fixture(params=CHANNELS)
def channel(request):
    return request.param


@pytest.fixture
def reporter(channel):
    return REPORTERS[channel]


@pytest.fixture
def signed(channel, hana, dan, olivia):
    """The report, signed for by Hana's department."""
    with clock.frozen(MONDAY):
        return report(channel, "signed", handler=hana, dispatcher=dan, operator=olivia)


@pytest.fixture
def noted(channel, hana, dan, olivia):
    """The report, signed for, where the dispatcher's note names the reporter — as a dispatcher
    in a hurry writes it. Free text must not leak them either."""
    name = REPORTERS[channel].name
    with clock.frozen(MONDAY):
        order = report(channel, "accepted", operator=olivia)
        order = order_dispatch(
            order=order, lead=hana.department, note=f"{name}来电反映，请核查。", actor=dan
        )
        assignment_sign(assignment=lead_of(order), actor=hana)
    order.refresh_from_db()
    return order


def _seen_by(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return as_text(response)


def test_the_department_list_never_shows_who_reported(client, hana, reporter, signed):
    html = _seen_by(client, hana, "/work/department/?tab=handling")

    assert signed.number in html
    assert "举报人信息保密" in html
    assert leaked(html, reporter) == []


def test_the_pending_tab_never_shows_who_reported(client, hana, dan, reporter, channel):
    order = report(channel, "dispatched", handler=hana, dispatcher=dan)

    html = _seen_by(client, hana, "/work/department/?tab=pending")

    assert order.number in html
    assert leaked(html, reporter) == []


def test_the_detail_page_never_shows_who_reported(client, hana, reporter, signed):
    html = _seen_by(client, hana, f"/work/orders/{signed.number}/")

    assert "举报人信息保密" in html
    assert "查看完整信息" not in html
    assert leaked(html, reporter) == []


def test_the_page_reveal_is_refused_and_nothing_is_logged(client, hana, reporter, signed):
    client.force_login(hana)

    response = client.post(f"/work/orders/{signed.number}/reveal/")

    assert response.status_code == 403
    assert leaked(response.content.decode(), reporter) == []
    assert not PersonalDataAccess.objects.exists()


def test_a_note_naming_the_reporter_is_not_shown_to_the_department(client, hana, reporter, noted):
    page = _seen_by(client, hana, f"/work/orders/{noted.number}/")
    api = _seen_by(client, hana, f"/api/orders/{noted.number}/")

    assert "来电反映，请核查" in page and "来电反映，请核查" in api
    assert leaked(page, reporter) == []
    assert leaked(api, reporter) == []


def test_the_api_list_never_shows_who_reported(client, hana, reporter, signed):
    text = _seen_by(client, hana, "/api/orders/")

    assert signed.number in text
    assert leaked(text, reporter) == []


def test_the_api_detail_never_shows_who_reported(client, hana, reporter, signed):
    text = _seen_by(client, hana, f"/api/orders/{signed.number}/")

    assert "举报人信息保密" in text
    assert leaked(text, reporter) == []


def test_the_api_action_response_says_what_the_read_says(client, hana, dan, reporter, channel):
    order = report(channel, "dispatched", handler=hana, dispatcher=dan)
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/sign/", data={}, content_type="application/json"
    )
    read = client.get(f"/api/orders/{order.number}/").json()

    assert response.status_code == 200, response.json()
    assert response.json()["order"]["requester"] == read["requester"]
    assert leaked(as_text(response), reporter) == []


def test_the_api_reveal_is_refused_and_nothing_is_logged(client, hana, reporter, signed):
    client.force_login(hana)

    response = client.post(f"/api/orders/{signed.number}/reveal/")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert leaked(as_text(response), reporter) == []
    assert not PersonalDataAccess.objects.exists()


def test_texts_and_notices_to_the_department_never_name_the_reporter(hana, dan, reporter, channel):
    with clock.frozen(MONDAY):
        warning_notices_collect()
        order = report(channel, "dispatched", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 3, 11)):  # the sign-for deadline has passed: red
        sla_scan()
        warning_notices_collect()
        outbox_sweep()

    to_department = OutboxMessage.objects.filter(order=order, recipient_user=hana)
    notices = Notice.objects.filter(order=order, user=hana)
    assert to_department.exists() and notices.exists()
    for text in [m.body for m in to_department] + [n.text for n in notices]:
        assert leaked(text, reporter) == [], text
    # nothing of the order goes to the department by SMS
    department_phones = {hana.phone} - {""}
    assert not OutboxMessage.objects.filter(
        order=order, recipient_phone__in=department_phones
    ).exists()


def test_the_operator_console_is_closed_to_the_department(client, hana, reporter, signed, pbx):
    pbx(event="ring", call_id="wb-1", to="12345", **{"from": reporter.phone})
    client.force_login(hana)

    for url in ("/console/", "/console/intake/?call=wb-1", "/console/lookup/"):
        response = client.get(url)
        assert response.status_code in (403, 405), url
        assert leaked(response.content.decode(), reporter) == [], url
    response = client.post("/console/lookup/", {"phone": reporter.phone})
    assert response.status_code == 403
    assert leaked(response.content.decode(), reporter) == []


def test_the_admin_is_closed_to_the_department(client, hana, reporter, signed):
    client.force_login(hana)
    urls = [reverse("admin:index"), f"/admin/orders/workorder/{signed.pk}/change/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
        assert leaked(response.content.decode(), reporter) == [], url


def test_a_title_naming_the_reporter_is_cut_in_lists_notices_and_the_api(
    client, hana, dan, reporter, channel
):
    with clock.frozen(MONDAY):
        warning_notices_collect()
        order = report(
            channel,
            "dispatched",
            at=MONDAY,
            handler=hana,
            dispatcher=dan,
            title=f"{reporter.name}举报某工地夜间施工",
        )
    with clock.frozen(at(2026, 3, 3, 11)):
        sla_scan()
        warning_notices_collect()
        outbox_sweep()
    client.force_login(hana)

    surfaces = [
        as_text(client.get("/work/department/?tab=pending")),
        as_text(client.get(f"/work/orders/{order.number}/")),
        as_text(client.get("/api/orders/")),
        as_text(client.get(f"/api/orders/{order.number}/")),
        *Notice.objects.filter(user=hana).values_list("text", flat=True),
    ]

    for text in surfaces:
        assert "〔保密〕举报某工地夜间施工" in text
        assert leaked(text, reporter) == []
    # the dispatcher, who may see the reporter, reads the title as it was written
    dispatcher_notice = Notice.objects.get(user=dan, order=order).text
    assert f"{reporter.name}举报某工地夜间施工" in dispatcher_notice


def test_a_callback_note_naming_the_reporter_is_cut_from_the_page(
    client, hana, dan, carl, reporter, channel
):
    from minyi.orders.models import Satisfaction
    from minyi.orders.services.closing import order_callback

    order = report(channel, "replied", handler=hana, dispatcher=dan)
    order_callback(
        order=order,
        satisfaction=Satisfaction.SATISFIED,
        solved=True,
        note=f"已回访{reporter.name}（{reporter.phone}），表示满意。",
        actor=carl,
    )

    html = _seen_by(client, hana, f"/work/orders/{order.number}/")

    assert "已回访〔保密〕（〔保密〕），表示满意。" in html
    assert leaked(html, reporter) == []


def test_a_file_name_naming_the_reporter_is_cut_from_the_page_and_the_download(
    client, hana, dan, reporter, signed
):
    from urllib.parse import unquote

    from tests.factories import leader_opinion

    attachment = leader_opinion(signed, actor=dan, name=f"{reporter.name}举报材料.pdf")
    client.force_login(hana)

    page = as_text(client.get(f"/work/orders/{signed.number}/"))
    download = client.get(f"/work/orders/{signed.number}/attachments/{attachment.pk}/")

    assert "〔保密〕举报材料.pdf" in page and leaked(page, reporter) == []
    assert download.status_code == 200
    disposition = unquote(download["Content-Disposition"])
    assert "〔保密〕举报材料.pdf" in disposition
    assert leaked(disposition, reporter) == []


# -- no oracle: what the department writes comes back as it was written -------------------------
# Cutting the reporter out of text the department wrote itself would confirm a guess: a handler
# who types "王芳 / 谭萍" and reads back "王芳 / 〔保密〕" has learnt who reported. Only text written
# outside the department is cut; the department's own text, and what anyone just typed into a
# form, comes back unchanged whatever it says.

TUESDAY = at(2026, 3, 3, 10)


def candidates(reporter) -> str:
    """A handler's list of guesses, the reporter among them."""
    national = reporter.phone.removeprefix("+86")
    return f"候选：王芳 / 刘华 / {reporter.name} / {national} / 18600006546"


def test_a_refused_form_comes_back_as_typed_and_confirms_nobody(client, hana, reporter, signed):
    typed = candidates(reporter)
    client.force_login(hana)

    with clock.frozen(TUESDAY):
        response = client.post(
            f"/work/orders/{signed.number}/extend/", keyed(reason=typed, requested_due="")
        )

    html = response.content.decode()
    assert response.status_code == 400
    assert typed in html
    assert "〔保密〕" not in html


def test_a_reason_saved_through_the_api_comes_back_as_typed(client, hana, reporter, signed):
    typed = candidates(reporter)
    client.force_login(hana)

    with clock.frozen(TUESDAY):
        response = client.post(
            f"/api/orders/{signed.number}/actions/extend/",
            {"reason": typed, "requested_due": "2026-04-30T18:00"},
            content_type="application/json",
        )
        read = client.get(f"/api/orders/{signed.number}/")
        page = client.get(f"/work/orders/{signed.number}/")

    assert response.status_code == 200, response.json()
    assert response.json()["order"]["events"][-1]["note"] == typed
    assert read.json()["events"][-1]["note"] == typed
    assert typed in page.content.decode()
    for text in (as_text(response), as_text(read), page.content.decode()):
        assert "〔保密〕" not in text


@pytest.fixture
def colleague(hana):
    """Another handler of Hana's department."""
    from tests.factories import HandlerFactory

    return HandlerFactory(username="hugo", department=hana.department)


def _as_typed_everywhere(client, viewers, order, typed: str) -> None:
    for viewer in viewers:
        client.force_login(viewer)
        with clock.frozen(TUESDAY):
            page = client.get(f"/work/orders/{order.number}/").content.decode()
            api = as_text(client.get(f"/api/orders/{order.number}/"))
        assert typed in page and typed in api, viewer
        assert "〔保密〕" not in page + api, viewer


def test_a_reply_the_department_wrote_comes_back_as_typed(
    client, hana, colleague, reporter, signed
):
    typed = candidates(reporter)
    client.force_login(hana)

    with clock.frozen(TUESDAY):
        response = client.post(
            f"/work/orders/{signed.number}/reply/",
            keyed(
                content=typed,
                method="phone",
                solved="partly",
                plan=typed,
                plan_due="2026-03-20",
            ),
        )

    assert response.status_code == 302
    _as_typed_everywhere(client, [hana, colleague], signed, typed)


def test_a_return_and_its_file_the_department_wrote_come_back_as_typed(
    client, hana, colleague, dept_b, reporter, signed
):
    from urllib.parse import unquote

    from django.core.files.uploadedfile import SimpleUploadedFile

    from minyi.orders.models import Attachment
    from tests.uploads import samples

    typed = candidates(reporter)
    file_name = f"{reporter.name}等人名单.pdf"
    client.force_login(hana)

    with clock.frozen(TUESDAY):
        response = client.post(
            f"/work/orders/{signed.number}/return/",
            keyed(
                reason=typed,
                basis=typed,
                suggested_department=dept_b.pk,
                leader_opinion=SimpleUploadedFile(file_name, samples.PDF),
            ),
        )

    assert response.status_code == 302
    _as_typed_everywhere(client, [hana, colleague], signed, typed)
    attachment = Attachment.objects.get(order=signed)
    for viewer in (hana, colleague):
        client.force_login(viewer)
        page = client.get(f"/work/orders/{signed.number}/").content.decode()
        download = client.get(f"/work/orders/{signed.number}/attachments/{attachment.pk}/")
        assert file_name in page
        assert file_name in unquote(download["Content-Disposition"])


# -- every free text a department can be shown ------------------------------------------------
# Each field below is written by someone outside Hana's department — the operator, the
# dispatcher, the callback agent, another department — and names the reporter. A new text field
# on an order must join this walk (the first assertion fails otherwise).

NOT_FREE_TEXT = {
    ("WorkOrder", "number"),
    ("WorkOrder", "requester_name"),  # the person itself: the rule shows it, or not
    ("WorkOrder", "requester_phone"),
    ("WorkOrder", "dispatch_limit"),  # the dispatch limit in force at acceptance
    ("Assignment", "limits"),  # the time-limit policy in force
    ("Attachment", "content_type"),  # detected on upload
    ("OrderEvent", "from_status"),
    ("OrderEvent", "to_status"),
}


def free_text_fields() -> list[tuple[type, str]]:
    from django.apps import apps
    from django.db import models

    return [
        (model, f.name)
        for model in apps.get_app_config("orders").get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.choices
        and (model.__name__, f.name) not in NOT_FREE_TEXT
    ]


def _names(value, name: str) -> bool:
    if isinstance(value, dict):
        return any(_names(v, name) for v in value.values())
    return isinstance(value, str) and name in value


def written_by_others(channel, *, hana, henry, olivia, dan, carl):
    """Orders Hana's department handles, each text in them naming the reporter, written through
    the services by everyone but her department."""
    from django.core.files.base import ContentFile

    from minyi.orders.models import AttachmentKind, Satisfaction, Solved
    from minyi.orders.services import closing, dispatch, handling, intake, tracking
    from tests.factories import scope_reason

    reporter = REPORTERS[channel]
    national = reporter.phone.removeprefix("+86")
    says = f"{reporter.name}（{national}）"
    first = report(channel, "draft", operator=olivia)

    def new():
        order = report(
            channel,
            "accepted",
            operator=olivia,
            title=f"{reporter.name}举报工地夜间施工",
            content=f"举报人{says}称工地夜间施工。",
            address=f"{reporter.name}家楼下",
            deputy=first.deputy,
        )
        return dispatch.order_dispatch(
            order=order,
            lead=hana.department,
            assisting=[henry.department],
            note=f"{says}来电，请核查。",
            actor=dan,
        )

    def upload(order, actor, kind=AttachmentKind.GENERAL, name=f"{reporter.name}材料.pdf"):
        return dispatch.attachment_add(
            order=order,
            file=ContentFile(b"%PDF-1.4 x", name="x.pdf"),
            name=name,
            kind=kind,
            actor=actor,
        )

    with clock.frozen(MONDAY):
        # the whole life: returns, extensions, replies, callbacks, redo, supervision, archive
        life = new()
        upload(life, dan)
        henrys = life.assignments.get(department=henry.department)
        returned = dispatch.assignment_return_request(
            assignment=henrys,
            reason=f"{says}所述不属本单位",
            suggested_department=hana.department,
            basis=f"{says}一事另有主管",
            leader_opinion=upload(life, henry, AttachmentKind.LEADER_OPINION),
            actor=henry,
        )
        dispatch.return_refuse(request=returned, note=f"{says}一事须协办", actor=dan)
        dispatch.assignment_sign(assignment=lead_of(life), actor=hana)
        dispatch.assignment_sign(assignment=henrys, actor=henry)
        extension = handling.extension_request(
            assignment=henrys,
            requested_due=at(2026, 5, 29, 18),
            reason=f"等{says}补材料",
            actor=henry,
        )
        handling.extension_deny(request=extension, note=f"{says}已补齐", actor=dan)
        handling.assignment_reply(
            assignment=henrys,
            content=f"已联系{says}。",
            method="phone",
            solved=Solved.PARTLY,
            plan=f"再约{says}面谈",
            plan_due=at(2026, 3, 20).date(),
            actor=henry,
        )

        def reply_and_call_back(note="", satisfaction=Satisfaction.DISSATISFIED):
            handling.assignment_reply(
                assignment=lead_of(life),
                content="已处理。",
                method="phone",
                solved=Solved.SOLVED,
                actor=hana,
            )
            closing.order_callback(
                order=life,
                satisfaction=satisfaction,
                solved=False,
                note=note,
                actor=carl,
            )

        reply_and_call_back(f"回访{says}，不满意。")
        closing.order_redo(order=life, note=f"{says}仍不满意", actor=carl)
        reply_and_call_back()
        closing.order_supervise(order=life, level="yellow", note=f"督办：{says}", actor=dan)
        reply_and_call_back(satisfaction=Satisfaction.BASICALLY)
        closing.order_archive(order=life, note=f"{says}基本满意，按规定归档", actor=carl)

        # returned to the hotline, then not accepted
        rejected = new()
        hanas = lead_of(rejected)
        back = dispatch.assignment_return_request(
            assignment=hanas,
            reason="不属本单位职责",
            suggested_department=henry.department,
            basis="三定方案",
            leader_opinion=upload(rejected, hana, AttachmentKind.LEADER_OPINION, "审批表.pdf"),
            actor=hana,
        )
        dispatch.return_accept(request=back, note=f"{says}一事另行处理", actor=dan)
        intake.order_reject(
            order=rejected,
            reason=scope_reason("out_of_jurisdiction"),
            basis=f"{says}所述不属受理范围",
            actor=dan,
        )

        # an unsolved reply by another department, tracked (跟踪督办): its plan and progress
        tracked = report(
            channel,
            "accepted",
            operator=olivia,
            title=f"{reporter.name}举报工地夜间施工",
            content=f"举报人{says}称工地夜间施工。",
            deputy=first.deputy,
        )
        tracked = dispatch.order_dispatch(
            order=tracked, lead=henry.department, assisting=[hana.department], actor=dan
        )
        for part in tracked.assignments.all():
            dispatch.assignment_sign(
                assignment=part, actor=henry if part == lead_of(tracked) else hana
            )
        handling.assignment_reply(
            assignment=lead_of(tracked),
            content="已处理。",
            method="phone",
            solved=Solved.NOT_YET,
            plan=f"待{says}提供证据后联合执法",
            plan_due=at(2026, 3, 20).date(),
            actor=henry,
        )
        closing.order_callback(
            order=tracked, satisfaction=Satisfaction.BASICALLY, solved=False, actor=carl
        )
        closing.order_archive(order=tracked, actor=carl)
        tracking.tracking_progress(order=tracked, text=f"已与{says}约定取证时间", actor=henry)

        escalated = closing.order_escalate(order=new(), note=f"{says}一事转代表建议", actor=dan)
        master = new()
        duplicate = closing.order_merge(
            order=new(), master=master, note=f"{says}重复来电", actor=dan
        )
    return [life, rejected, escalated, master, duplicate, tracked]


def test_no_free_text_a_department_is_shown_names_the_reporter(
    client, hana, henry, olivia, dan, carl, reporter, channel
):
    from minyi.orders.models import Attachment, WorkOrder

    orders = written_by_others(channel, hana=hana, henry=henry, olivia=olivia, dan=dan, carl=carl)

    for model, name in free_text_fields():  # every text field was written, naming the reporter
        values = model.objects.values_list(name, flat=True)
        assert any(_names(value, reporter.name) for value in values), (model.__name__, name)
    assert set(WorkOrder.objects.filter(pk__in=[o.pk for o in orders])) == set(orders)

    client.force_login(hana)
    with clock.frozen(MONDAY):
        surfaces = {"/api/orders/": as_text(client.get("/api/orders/"))}
        for tab in ("pending", "handling", "replied"):
            url = f"/work/department/?tab={tab}"
            surfaces[url] = as_text(client.get(url))
        for order in orders:
            for url in (f"/work/orders/{order.number}/", f"/api/orders/{order.number}/"):
                response = client.get(url)
                assert response.status_code == 200, url
                surfaces[url] = as_text(response)
        for attachment in Attachment.objects.exclude(uploaded_by=hana):
            url = f"/work/orders/{attachment.order.number}/attachments/{attachment.pk}/"
            surfaces[url] = client.get(url)["Content-Disposition"]

    for url, text in surfaces.items():
        assert leaked(text, reporter) == [], url
    assert "〔保密〕材料.pdf" in surfaces[f"/work/orders/{orders[0].number}/"]


# -- the channel: a deputy's call narrows the reporter down to a few dozen ----------------------


def test_the_department_does_not_learn_which_channel_a_report_came_on(
    client, hana, dan, signed, channel
):
    from minyi.orders.models import Channel

    page_url, api_url = f"/work/orders/{signed.number}/", f"/api/orders/{signed.number}/"
    client.force_login(hana)

    page = client.get(page_url).content.decode()
    detail = client.get(api_url).json()
    listed = client.get("/api/orders/").json()["results"]

    assert "12345热线" in page
    assert [label for label in Channel.labels if label in page] == []
    assert detail["channel"] is None
    assert [e["data"]["channel"] for e in detail["events"] if "channel" in e["data"]] == []
    assert [o["channel"] for o in listed if o["number"] == signed.number] == [None]
    # the hotline still reads it
    client.force_login(dan)
    assert client.get(api_url).json()["channel"] == channel
    assert Channel(channel).label in client.get(page_url).content.decode()


def test_the_department_reads_the_channel_of_an_ordinary_order(client, hana, dan):
    order = make_order(
        "signed", channel="deputy_call", deputy=DeputyFactory(), handler=hana, dispatcher=dan
    )
    client.force_login(hana)

    assert client.get(f"/api/orders/{order.number}/").json()["channel"] == "deputy_call"
    assert "代表来电" in client.get(f"/work/orders/{order.number}/").content.decode()


# -- merging: a link between a report and another order names the reporter ----------------------


def test_a_report_and_an_ordinary_order_cannot_be_merged(client, hana, dan, channel):
    from minyi.core.errors import ValidationFailed
    from minyi.orders.models import Status
    from minyi.orders.services.closing import order_merge

    protected = report(channel, "dispatched", handler=hana, dispatcher=dan)
    ordinary = make_order("dispatched", handler=hana, dispatcher=dan)

    for duplicate, master in ((ordinary, protected), (protected, ordinary)):
        with pytest.raises(ValidationFailed, match="举报工单只能与举报工单合并"):
            order_merge(order=duplicate, master=master, note="同一事项", actor=dan)
    client.force_login(dan)
    page = client.post(
        f"/work/orders/{ordinary.number}/merge/", keyed(master=protected.number, note="")
    )
    api = client.post(
        f"/api/orders/{protected.number}/actions/merge/",
        {"master": ordinary.number},
        content_type="application/json",
    )

    assert page.status_code == 400 and "举报工单只能与举报工单合并" in page.content.decode()
    assert api.status_code == 400 and "举报工单只能与举报工单合并" in api.json()["error"]
    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert Status.MERGED not in statuses


def test_two_reports_can_be_merged(hana, dan, channel):
    from minyi.orders.services.closing import order_merge

    master = report(channel, "dispatched", handler=hana, dispatcher=dan)
    duplicate = report(channel, "dispatched", handler=hana, dispatcher=dan, deputy=master.deputy)

    assert order_merge(order=duplicate, master=master, actor=dan).master == master


def test_a_merge_made_before_the_guard_does_not_link_a_report_for_the_department(client, hana, dan):
    from minyi.orders.services.closing import order_merge
    from tests.factories import request_type

    # merged as they could be before the guard: two pairs of ordinary orders, one of each pair
    # then turned into the report it was
    master, old = (make_order("dispatched", handler=hana, dispatcher=dan) for _ in range(2))
    older, ordinary = (make_order("dispatched", handler=hana, dispatcher=dan) for _ in range(2))
    order_merge(order=old, master=master, actor=dan)
    order_merge(order=ordinary, master=older, actor=dan)
    WorkOrder.objects.filter(pk__in=[old.pk, older.pk]).update(
        request_type=request_type("report"), protect_identity=True
    )
    client.force_login(hana)

    for order, other in ((master, old), (ordinary, older), (old, master), (older, ordinary)):
        page = client.get(f"/work/orders/{order.number}/").content.decode()
        api = as_text(client.get(f"/api/orders/{order.number}/"))
        assert other.number not in page, (order, other)
        assert other.number not in api, (order, other)
    assert (
        '并入主工单</dt><dd class="muted">〔保密〕'
        in client.get(f"/work/orders/{old.number}/").content.decode()
    )
    # the dispatcher, who sees both, follows the link
    client.force_login(dan)
    assert old.number in client.get(f"/work/orders/{master.number}/").content.decode()
    assert master.number in client.get(f"/work/orders/{old.number}/").content.decode()
