"""The one rule (minyi.privacy.rules): every row of its table, and that it fails closed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minyi.accounts.models import Role, User
from minyi.orders.models import Assignment, AssignmentStatus, Channel
from minyi.privacy import rules
from minyi.privacy.rules import Shown, may_reveal, requester_full, requester_shown
from tests.factories import DeputyFactory, HandlerFactory, UserFactory, make_order

pytestmark = pytest.mark.django_db

NAME, PHONE = "张小三", "+8613812345678"


@pytest.fixture
def order(hana, dan, olivia):
    """An ordinary complaint, recorded by Olivia, signed for by Hana's department."""
    return make_order(
        "signed",
        handler=hana,
        dispatcher=dan,
        operator=olivia,
        requester_name=NAME,
        requester_phone=PHONE,
    )


def user(role: str, **fields):
    return UserFactory(role=role, **fields)


def assert_withheld(person, label: str = rules.WITHHELD_LABEL) -> None:
    assert person.shown == Shown.WITHHELD and person.withheld
    assert (person.label, person.name, person.phone, person.deputy) == (label, "", "", "")


def assert_masked(person) -> None:
    assert person.shown == Shown.MASKED
    assert (person.label, person.name, person.phone) == ("张*三", "张*三", "138****5678")


# -- fails closed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: None, id="nobody"),
        pytest.param(AnonymousUser, id="anonymous-visitor"),
        pytest.param(lambda: user(Role.DISPATCHER, is_active=False), id="inactive-dispatcher"),
        pytest.param(lambda: user(""), id="no-role"),
        pytest.param(lambda: user("janitor"), id="unknown-role"),
        # the database refuses superusers now; one in memory (an old row) still gets nothing
        pytest.param(
            lambda: User(username="root", is_superuser=True, is_staff=True), id="superuser-no-role"
        ),
        pytest.param(lambda: user(Role.SECURITY), id="security-administrator"),
    ],
)
def test_whoever_the_rule_does_not_know_sees_nothing_and_reveals_nothing(order, who):
    viewer = who()

    assert_withheld(requester_shown(viewer, order))
    assert may_reveal(viewer, order) is False


def test_an_object_without_the_user_attributes_sees_nothing(order):
    assert_withheld(requester_shown(object(), order))
    assert may_reveal(object(), order) is False


# -- whistle-blowers ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.CITIZEN_CALL, Channel.DEPUTY_CALL, Channel.WEB])
def test_a_department_never_sees_a_whistle_blower_nor_their_deputy(hana, dan, channel):
    deputy = DeputyFactory(name="谭萍") if channel == Channel.DEPUTY_CALL else None
    report = make_order(
        "signed",
        request_type_code="report",
        channel=channel,
        deputy=deputy,
        handler=hana,
        dispatcher=dan,
    )

    person = requester_shown(hana, report)

    assert_withheld(person, rules.WHISTLEBLOWER_LABEL)
    assert person.protected
    assert may_reveal(hana, report) is False


def test_the_hotline_sees_a_whistle_blower_masked_with_the_deputy(hana, dan):
    deputy = DeputyFactory(name="谭萍")
    report = make_order(
        "signed",
        request_type_code="report",
        channel=Channel.DEPUTY_CALL,
        deputy=deputy,
        handler=hana,
        dispatcher=dan,
    )

    person = requester_shown(dan, report)

    assert (person.shown, person.label, person.deputy, person.protected) == (
        Shown.MASKED,
        "谭*",
        "谭萍",
        False,
    )
    assert may_reveal(dan, report) is True


# -- anonymous requesters --------------------------------------------------------------------------


@pytest.fixture
def anonymous(hana, dan, olivia):
    return make_order(
        "signed",
        is_anonymous=True,
        requester_name="王五",
        requester_phone="+8613511112222",
        handler=hana,
        dispatcher=dan,
        operator=olivia,
    )


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LIAISON, Role.DEPUTY, Role.AUDIT])
def test_outside_the_hotline_an_anonymous_requester_is_only_anonymous(anonymous, hana, role):
    viewer = hana if role == Role.HANDLER else user(role)

    person = requester_shown(viewer, anonymous)

    assert_withheld(person, rules.ANONYMOUS_LABEL)
    assert person.anonymous and not person.protected
    assert may_reveal(viewer, anonymous) is False


@pytest.mark.parametrize("persona", ["olivia", "dan", "carl", "ada"])
def test_inside_the_hotline_an_anonymous_requester_is_masked_and_revealable(
    anonymous, request, persona
):
    viewer = request.getfixturevalue(persona)

    person = requester_shown(viewer, anonymous)

    assert (person.shown, person.label, person.phone) == (Shown.MASKED, "匿名", "135****2222")
    assert may_reveal(viewer, anonymous) is True


def test_the_full_view_of_an_anonymous_requester_says_so(anonymous):
    person = requester_full(anonymous)

    assert (person.shown, person.label, person.phone) == (Shown.FULL, "匿名（王五）", "13511112222")


# -- masked, and who may reveal ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["dan", "carl", "ada"])
def test_dispatcher_callback_agent_and_administrator_see_masked_and_may_reveal(
    order, request, persona
):
    viewer = request.getfixturevalue(persona)

    assert_masked(requester_shown(viewer, order))
    assert may_reveal(viewer, order) is True


def test_the_operator_reveals_only_the_orders_they_recorded(order, olivia):
    other = user(Role.OPERATOR, username="oscar")

    assert_masked(requester_shown(olivia, order))
    assert_masked(requester_shown(other, order))
    assert may_reveal(olivia, order) is True
    assert may_reveal(other, order) is False


@pytest.mark.parametrize("role", [Role.LIAISON, Role.AUDIT, Role.DEPUTY])
def test_readers_see_masked_and_never_reveal(order, role):
    viewer = user(role)

    assert_masked(requester_shown(viewer, order))
    assert may_reveal(viewer, order) is False


@pytest.mark.parametrize(
    "status",
    [
        AssignmentStatus.PENDING,
        AssignmentStatus.SIGNED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLIED,
    ],
)
def test_the_handler_reveals_while_their_part_is_live_or_replied(order, hana, status):
    Assignment.objects.filter(order=order).update(status=status)

    assert_masked(requester_shown(hana, order))
    assert may_reveal(hana, order) is True


@pytest.mark.parametrize("status", [AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED])
def test_the_handler_does_not_reveal_once_their_part_ended(order, hana, status):
    Assignment.objects.filter(order=order).update(status=status)

    assert_masked(requester_shown(hana, order))
    assert may_reveal(hana, order) is False


def test_the_handler_does_not_reveal_once_the_order_is_closed(hana, dan, carl):
    archived = make_order("archived", handler=hana, dispatcher=dan, agent=carl)

    assert may_reveal(hana, archived) is False


def test_a_handler_of_another_department_does_not_reveal(order):
    stranger = HandlerFactory(username="stranger")

    assert may_reveal(stranger, order) is False


def test_the_api_shape_is_spelled_in_one_place(order, dan):
    assert requester_shown(dan, order).as_dict() == {
        "shown": "masked",
        "label": "张*三",
        "name": "张*三",
        "phone": "138****5678",
        "deputy": None,
    }


# -- the rule's counterparts for querysets -------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "",
        Role.OPERATOR,
        Role.DISPATCHER,
        Role.HANDLER,
        Role.CALLBACK,
        Role.DEPUTY,
        Role.LIAISON,
        Role.ADMIN,
        Role.SECURITY,
        Role.AUDIT,
    ],
)
def test_the_queryset_counterparts_answer_as_the_rule_does_row_by_row(hana, role):
    from minyi.orders.models import WorkOrder

    viewer = hana if role == Role.HANDLER else user(role)
    kinds = [
        make_order("accepted"),
        make_order("accepted", is_anonymous=True),
        make_order("accepted", request_type_code="report"),
        make_order("accepted", request_type_code="report", is_anonymous=True),
        make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=DeputyFactory()),
    ]

    identity = set(WorkOrder.objects.filter(rules.identity_visible_q(viewer)))
    channel = set(WorkOrder.objects.filter(rules.channel_visible_q(viewer)))

    for order in kinds:
        person = requester_shown(viewer, order)
        assert (order in identity) == (not person.withheld), order
        assert (order in channel) == (person.channel is not None), order


# -- text: cut by who wrote it -------------------------------------------------------------------


@pytest.fixture
def report(hana, dan):
    return make_order(
        "signed",
        request_type_code="report",
        handler=hana,
        dispatcher=dan,
        requester_name=NAME,
        requester_phone=PHONE,
    )


def test_text_from_outside_the_department_is_cut_and_its_own_is_not(report, hana, dan, carl):
    from tests.factories import HandlerFactory

    colleague = HandlerFactory(username="hugo", department=hana.department)
    stranger = HandlerFactory(username="stranger")
    text = f"{NAME}（13812345678）"
    person = requester_shown(hana, report)

    assert person.redact(text) == "〔保密〕（〔保密〕）"  # the hotline's text on the order
    for author in (dan, carl, stranger, None):
        assert person.redact_from(text, author) == "〔保密〕（〔保密〕）", author
    for author in (hana, colleague):
        assert person.redact_from(text, author) == text, author
    # a viewer who is shown the requester reads every text as written
    assert requester_shown(dan, report).redact_from(text, carl) == text


def test_a_user_the_rule_does_not_know_reads_no_text_as_written(report, hana):
    person = requester_shown(None, report)

    assert person.redact_from(f"{NAME}来电", hana) == "〔保密〕来电"


def test_a_colleague_who_is_not_a_handler_is_not_the_department(report, hana):
    """A dispatcher given a department by mistake does not write for it."""
    odd = user(Role.DISPATCHER, department=hana.department)

    assert requester_shown(hana, report).redact_from(f"{NAME}来电", odd) == "〔保密〕来电"


def test_the_department_reads_the_channel_of_a_report_as_the_hotline(report, hana, dan):
    assert (requester_shown(hana, report).channel, requester_shown(hana, report).channel_label) == (
        None,
        "12345热线",
    )
    assert requester_shown(dan, report).channel == Channel.CITIZEN_CALL


def test_a_link_is_shown_only_between_orders_the_rule_treats_alike(report, hana, dan):
    ordinary = make_order("signed", handler=hana, dispatcher=dan)
    other_report = make_order("signed", request_type_code="report", handler=hana, dispatcher=dan)

    assert rules.link_shown(hana, report, ordinary) is False
    assert rules.link_shown(hana, ordinary, report) is False
    assert rules.link_shown(hana, report, other_report) is True
    assert rules.link_shown(dan, report, ordinary) is True
