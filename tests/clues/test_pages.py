"""The clue library's pages: the liaison officer's list, new clue (prefilled from a topic),
detail and actions; a group deputy's phone pages; privacy of the orders shown."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.clues import errors
from minyi.clues.models import Clue, ClueProposal, ClueStatus, ProposalStatus
from minyi.clues.selectors import REPORT_TITLE
from tests.factories import MONDAY, HandlerFactory, keyed, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_the_liaison_officer_lists_clues_and_filters_them_by_state_and_group(client, lin, clue):
    sign_in(client, lin)
    page = text(client.get("/work/clues/"))
    assert "占道经营反复出现" in page and "城乡建设" in page

    assert "占道经营反复出现" not in text(client.get("/work/clues/?status=closed"))
    assert "占道经营反复出现" in text(client.get(f"/work/clues/?group={clue.group_id}&q=占道"))
    assert client.get("/work/clues/?group=abc").status_code == 200  # a bad filter is ignored


def test_a_topic_link_prefills_the_new_clue_with_its_orders_masked(client, lin, stalls):
    sign_in(client, lin)
    ids = ",".join(str(o.pk) for o in stalls)
    page = text(client.get(f"/work/clues/new/?orders={ids}&title=占道经营&summary=傍晚高发"))

    assert 'value="占道经营"' in page and "傍晚高发" in page
    assert f'value="{ids}"' in page
    assert stalls[0].number in page and stalls[1].number in page
    assert "李**" in page or "李*" in page  # the requester masked
    assert "李群众" not in page and "13800138000" not in page


def test_a_bad_order_list_in_the_link_is_a_chinese_message_not_an_error(client, lin):
    sign_in(client, lin)
    response = client.get("/work/clues/new/?orders=1,x")
    assert response.status_code == 200
    assert "工单参数有误" in text(response)


def test_posting_the_new_clue_creates_it_once_even_when_sent_twice(client, lin, stalls, group):
    sign_in(client, lin)
    body = keyed(
        title="占道经营",
        summary="傍晚高发",
        group=group.pk,
        orders=",".join(str(o.pk) for o in stalls),
        numbers="",
    )
    first = client.post("/work/clues/new/", body)
    second = client.post("/work/clues/new/", body)

    clue = Clue.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/work/clues/{clue.pk}/"
    assert clue.links.count() == 2 and clue.group == group


def test_orders_can_be_picked_by_number_and_unknown_ones_are_refused(client, lin, stalls):
    sign_in(client, lin)
    refused = client.post("/work/clues/new/", keyed(title="t", numbers="NOPE-1"))
    assert refused.status_code == 400 and errors.UNKNOWN_ORDERS in text(refused)
    assert not Clue.objects.exists()

    client.post("/work/clues/new/", keyed(title="t", numbers=f"{stalls[0].number}"))
    assert Clue.objects.get().links.get().order == stalls[0]


def test_an_empty_title_keeps_the_form_on_the_page_with_its_error(client, lin):
    sign_in(client, lin)
    response = client.post("/work/clues/new/", keyed(title="", summary="x"))
    assert response.status_code == 400
    assert "这个字段是必填项" in text(response) or "必填" in text(response)


def test_the_detail_shows_orders_proposals_and_events_and_a_proposal_is_accepted(client, lin, clue):
    new = make_order("accepted", title="学校门口占道经营")
    proposal = ClueProposal.objects.create(clue=clue, order=new, score=0.61, created_at=MONDAY)
    sign_in(client, lin)
    page = text(client.get(f"/work/clues/{clue.pk}/"))
    assert "学校门口占道经营" in page and "0.61" in page and "创建线索" in page

    client.post(f"/work/clues/{clue.pk}/proposals/{proposal.pk}/accept/", keyed())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert clue.links.filter(order=new).exists()


def test_the_liaison_officer_assigns_and_closes_from_the_detail(client, lin, clue):
    from tests.factories import ProfessionalGroupFactory

    other = ProfessionalGroupFactory(name="财政经济")
    sign_in(client, lin)
    client.post(f"/work/clues/{clue.pk}/assign/", keyed(group=other.pk))
    empty = client.post(f"/work/clues/{clue.pk}/close/", keyed(note=""), follow=True)
    assert "这个字段是必填项" in text(empty) or "必填" in text(empty)
    client.post(f"/work/clues/{clue.pk}/close/", keyed(note="已专项整治"))

    clue.refresh_from_db()
    assert (clue.group, clue.status) == (other, ClueStatus.CLOSED)


def test_a_group_deputy_sees_the_clue_on_their_phone_pages_and_adds_a_note(client, wang, clue):
    sign_in(client, wang)
    mine = text(client.get("/work/clues/mine/"))
    assert "占道经营反复出现" in mine and "小组线索" in mine

    page = text(client.get(f"/work/clues/{clue.pk}/"))
    assert "保存调研记录" in page and "小区门口占道经营" in page
    assert "李" not in page.split('id="orders"')[1]  # no requester at all

    response = client.post(
        f"/work/clues/{clue.pk}/note/", keyed(text="走访两个小区。"), follow=True
    )
    assert "调研记录已保存" in text(response)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.RESEARCHING


def test_a_group_deputy_turns_the_clue_into_a_suggestion_from_the_page(client, wang, clue):
    sign_in(client, wang)
    assert "添加调研记录后" in text(client.get(f"/work/clues/{clue.pk}/"))  # not yet offered
    client.post(f"/work/clues/{clue.pk}/note/", keyed(text="走访两个小区。"))
    response = client.post(
        f"/work/clues/{clue.pk}/suggest/",
        keyed(title="关于规范占道经营的建议", content="设置疏导点。"),
        follow=True,
    )
    assert "已转为闭会期间代表建议" in text(response)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.SUGGESTED and clue.suggestion_ref
    assert f'href="/work/suggestions/{clue.suggestion_ref}/"' in text(response)
    assert client.get(f"/work/suggestions/{clue.suggestion_ref}/").status_code == 200


def test_an_empty_note_is_refused_with_a_chinese_banner(client, wang, clue):
    sign_in(client, wang)
    response = client.post(f"/work/clues/{clue.pk}/note/", keyed(text=""), follow=True)
    assert "必填" in text(response)
    assert clue.notes.count() == 0


def test_a_deputy_outside_the_group_does_not_learn_the_clue_exists(client, zhao, clue):
    sign_in(client, zhao)
    assert "占道经营反复出现" not in text(client.get("/work/clues/mine/"))
    assert client.get(f"/work/clues/{clue.pk}/").status_code == 404
    assert client.post(f"/work/clues/{clue.pk}/note/", keyed(text="x")).status_code == 404
    assert clue.notes.count() == 0


def test_a_group_deputy_cannot_use_the_liaison_officer_s_actions(client, wang, clue):
    sign_in(client, wang)
    response = client.post(f"/work/clues/{clue.pk}/close/", keyed(note="x"), follow=True)
    assert errors.LIAISON_ONLY in text(response)
    assert client.get("/work/clues/").status_code == 403
    assert client.get("/work/clues/new/").status_code == 403


def test_other_roles_are_kept_out(client, clue):
    hana = HandlerFactory(username="hana2")
    sign_in(client, hana)
    assert client.get("/work/clues/").status_code == 403
    assert client.get(f"/work/clues/{clue.pk}/").status_code == 404
    assert client.get("/work/clues/mine/").status_code == 403
    client.logout()
    assert client.get("/work/clues/").status_code == 302


def test_a_whistle_blower_s_order_shows_neither_reporter_nor_wording_to_the_deputies(
    client, lin, wang, clue
):
    report = make_order(
        "accepted",
        request_type_code="report",
        title="举报张某某占道经营",
        requester_name="赵举报",
        requester_phone="+8613900001111",
    )
    assert report.protect_identity
    clue.links.create(order=report, linked_by=lin, linked_at=MONDAY)

    sign_in(client, wang)
    page = text(client.get(f"/work/clues/{clue.pk}/"))
    assert REPORT_TITLE in page
    assert "赵举报" not in page and "张某某" not in page and "1111" not in page

    sign_in(client, lin)
    page = text(client.get(f"/work/clues/{clue.pk}/"))
    assert "赵举报" not in page and "13900001111" not in page


def test_the_liaison_officer_reads_the_groups_page(client, lin, group):
    sign_in(client, lin)
    page = text(client.get("/work/clues/groups/"))
    assert "城乡建设" in page and "王代表" in page


def test_the_header_links_the_clue_library_for_the_liaison_officer(client, lin):
    sign_in(client, lin)
    assert 'href="/work/clues/"' in text(client.get("/work/clues/groups/"))
    assert Role.LIAISON == lin.role


def test_a_note_may_carry_a_checked_file_that_only_the_clue_s_readers_download(
    client, wang, zhao, lin, clue
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.uploads.samples import PDF

    sign_in(client, wang)
    upload = SimpleUploadedFile("走访记录.pdf", PDF, content_type="application/pdf")
    client.post(f"/work/clues/{clue.pk}/note/", keyed(text="走访记录见附件。", file=upload))
    note = clue.notes.get()
    assert note.file_name == "走访记录.pdf" and note.file_type == "application/pdf"
    url = f"/work/clues/{clue.pk}/notes/{note.pk}/file/"
    assert url in text(client.get(f"/work/clues/{clue.pk}/"))

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sign_in(client, lin)
    assert client.get(url).status_code == 200
    sign_in(client, zhao)
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_note_not_saved(client, wang, clue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, wang)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        f"/work/clues/{clue.pk}/note/", keyed(text="见附件", file=fake), follow=True
    )
    assert response.status_code == 200
    assert clue.notes.count() == 0
    assert "文件" in text(response)


def test_a_phone_number_typed_into_a_title_is_masked_on_the_clue_pages(client, lin, wang, clue):
    order = make_order("accepted", title="13912345678反映占道经营")
    clue.links.create(order=order, linked_by=lin, linked_at=MONDAY)
    for user in (wang, lin):
        sign_in(client, user)
        page = text(client.get(f"/work/clues/{clue.pk}/"))
        assert "13912345678" not in page and "139****5678" in page


def test_the_liaison_officer_links_more_orders_by_number(client, lin, clue, stalls):
    extra = make_order("accepted", title="学校门口占道经营")
    pending = ClueProposal.objects.create(clue=clue, order=extra, score=0.5, created_at=MONDAY)
    sign_in(client, lin)

    unknown = client.post(f"/work/clues/{clue.pk}/link/", keyed(numbers="NOPE"), follow=True)
    assert errors.UNKNOWN_ORDERS in text(unknown)
    again = client.post(
        f"/work/clues/{clue.pk}/link/", keyed(numbers=stalls[0].number), follow=True
    )
    assert errors.ALREADY_LINKED in text(again)
    done = client.post(f"/work/clues/{clue.pk}/link/", keyed(numbers=extra.number), follow=True)

    assert "已关联工单 1 件" in text(done)
    assert clue.links.filter(order=extra).exists()
    pending.refresh_from_db()
    assert pending.status == ProposalStatus.ACCEPTED
    assert clue.events.latest("id").data == {"orders": [extra.number]}


def test_the_lead_deputy_may_name_members_of_the_group_as_co_signers(client, wang, zhao, clue):
    from minyi.suggestions.models import Suggestion
    from tests.factories import DeputyFactory

    peer = DeputyFactory(name="孙代表")
    clue.group.deputies.add(peer)
    sign_in(client, wang)
    client.post(f"/work/clues/{clue.pk}/note/", keyed(text="走访两个小区。"))
    page = text(client.get(f"/work/clues/{clue.pk}/"))
    assert "孙代表" in page and "赵代表" not in page

    outsider = client.post(
        f"/work/clues/{clue.pk}/suggest/",
        keyed(title="建议", content="内容", cosigners=[zhao.deputy_id]),
        follow=True,
    )
    assert "选择" in text(outsider)  # 请选择一个有效的选项 …: not one the form offers
    assert not Suggestion.objects.filter(clue_id=clue.pk).exists()
    client.post(
        f"/work/clues/{clue.pk}/suggest/", keyed(title="建议", content="内容", cosigners=[peer.pk])
    )
    suggestion = Suggestion.objects.get(clue_id=clue.pk)
    assert list(suggestion.cosigners.values_list("name", flat=True)) == ["孙代表"]


def test_a_superscript_digit_in_the_order_ids_is_a_message_not_a_crash(client, lin):
    sign_in(client, lin)
    assert "工单参数有误" in text(client.get("/work/clues/new/?orders=²"))
    response = client.post("/work/clues/new/", keyed(title="t", orders="²"))
    assert response.status_code == 400 and "工单参数有误" in text(response)
