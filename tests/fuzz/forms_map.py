"""Which URL takes which form, as whom: every form of the project (and each admin model form)
with a persona allowed to use it and a valid body to start from. ``test_every_form_is_fuzzed``
fails when a form of the project is missing here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from minyi.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from minyi.accounts.models import Role, User
from minyi.console import forms as console_forms
from minyi.core import clock
from minyi.deputies.admin import PhoneForm
from minyi.deputies.forms import ImportForm, MandateEndForm
from minyi.deputies.models import Deputy, Mandate
from minyi.hotissues.forms import HotFilterForm
from minyi.ledger.admin import StatisticsPolicyForm
from minyi.ledger.filters import LedgerFilterForm
from minyi.ledger.models import StatisticsPolicy
from minyi.ledger.stats_forms import StatsFilterForm
from minyi.mashang.forms import MessageForm, RatingForm, ReasonForm, TrackForm
from minyi.notify.admin import MessageTemplateForm
from minyi.notify.models import MessageTemplate
from minyi.workbench import permissions
from minyi.workbench.action_views import ACTIONS
from minyi.workbench.search_forms import PhoneSearchForm, SearchForm
from minyi.workdays.forms import NoticeForm
from tests.factories import make_order
from tests.fuzz.world import World, administrator_for


@dataclass
class FormCase:
    label: str
    path: str
    user: object
    form: forms.BaseForm  # unbound, built as the view builds it: its fields and initial values
    method: str = "POST"
    json: bool = False  # the API: the hostile values go as JSON
    light: bool = False  # two hostile values per field (the page twin of an API case)
    extra: dict = field(default_factory=dict)  # fixed fields (an admin action's selection)
    overrides: dict = field(default_factory=dict)  # valid values the fields cannot guess
    prefix: str = ""  # an inline's form in the admin: its fields are posted as "<prefix>-<name>"

    @property
    def form_class(self) -> type:
        return type(self.form)

    def key(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name


def _first(queryset):
    obj = queryset.order_by("pk").first()
    return str(obj.pk) if obj is not None else ""


def _choice(field: forms.ChoiceField, initial) -> str:
    if initial not in (None, ""):
        return str(initial)
    for value, _label in field.choices:
        if isinstance(_label, list | tuple):  # an optgroup
            value = _label[0][0]
        if value not in ("", None):
            return str(value)
    return ""


def pdf(name: str = "意见.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


def baseline(case: FormCase) -> dict:
    """A body the form accepts (as far as the fields go), field by field."""
    now = clock.now()
    data: dict = {}
    for name, f in case.form.fields.items():
        initial = case.form[name].value()
        if name in case.overrides:
            data[case.key(name)] = case.overrides[name]
        elif isinstance(f, forms.FileField):
            data[case.key(name)] = pdf()
        elif isinstance(f, forms.ModelMultipleChoiceField):
            data[case.key(name)] = [_first(f.queryset)]
        elif isinstance(f, forms.ModelChoiceField):
            data[case.key(name)] = str(initial) if initial not in (None, "") else _first(f.queryset)
        elif isinstance(f, forms.MultipleChoiceField):
            data[case.key(name)] = [_choice(f, None)]
        elif isinstance(f, forms.ChoiceField):
            data[case.key(name)] = _choice(f, initial)
        elif isinstance(f, forms.BooleanField):
            data[case.key(name)] = "on"
        elif isinstance(f, forms.DateTimeField):  # a week ahead suits a deadline too
            data[case.key(name)] = (
                (now + timedelta(days=7)).astimezone(clock_tz()).strftime("%Y-%m-%dT%H:%M")
            )
        elif isinstance(f, forms.SplitDateTimeField):
            local = now.astimezone(clock_tz())
            data[case.key(f"{name}_0")], data[case.key(f"{name}_1")] = (
                f"{local:%Y-%m-%d}",
                f"{local:%H:%M}",
            )
        elif isinstance(f, forms.DateField):
            data[case.key(name)] = f"{now.astimezone(clock_tz()):%Y-%m-%d}"
        elif isinstance(f, forms.IntegerField):
            data[case.key(name)] = str(initial or f.min_value or 1)
        else:
            data[case.key(name)] = str(initial) if initial not in (None, "") else "测试"
    return {**data, **case.extra}


def clock_tz():
    from minyi.workdays.calendar import SHANGHAI

    return SHANGHAI


def _action_cases(world: World) -> list[FormCase]:
    cases = []
    people = [u for u in world.personas.values() if u is not None]
    for action, spec in ACTIONS.items():
        pair = next(
            (
                (user, order, ctx)
                for order in world.orders.values()
                for user in people
                if permissions.allowed(action, user, ctx := permissions.order_context(user, order))
            ),
            None,
        )
        assert pair is not None, f"no persona may {action} any order of the fuzz world"
        user, order, ctx = pair
        form = spec.form(ctx=ctx, action=action)
        overrides = {"master": world.orders["accepted"].number} if action == "merge" else {}
        page = f"/work/orders/{order.number}/{action}/"
        api = f"/api/orders/{order.number}/actions/{action}/"
        cases.append(FormCase(f"{action} page", page, user, form, light=True, overrides=overrides))
        cases.append(FormCase(f"{action} API", api, user, form, json=True, overrides=overrides))
    return cases


def _message_cases(world: World) -> list[FormCase]:
    """码上找代表's staff side: each action of ``minyi.mashang.actions`` on a fresh message of the
    deputy's (so that one case answering it leaves the others theirs to act on), and the
    deputy's SMS log-in."""
    from minyi.accounts.forms import PhoneLoginForm
    from minyi.mashang import actions as message_actions
    from tests.factories import MessageFactory

    deputy = world.personas["deputy"]
    cases = []
    for name, spec in message_actions.ACTIONS.items():
        message = MessageFactory(deputy=world.extra["deputy"])
        if not message_actions.allowed(name, deputy, message):
            continue  # 转交联络站 needs a station the fuzz deputy has not
        form = spec.form(message=message, action=name)
        cases.append(
            FormCase(f"message {name}", f"/work/messages/{message.pk}/{name}/", deputy, form)
        )
    cases.append(
        FormCase(
            "phone log-in",
            "/account/phone-login/",
            None,
            PhoneLoginForm(),
            overrides={"phone": "13812345678"},
        )
    )
    return cases


def _console_cases(world: World) -> list[FormCase]:
    operator = world.personas["operator"]
    order = make_order("accepted", operator=operator)
    base = f"/console/orders/{order.number}"
    ctx = permissions.order_context(operator, order)
    # the console's next steps are actions of the shared registry, with the same forms
    return [FormCase("intake", "/console/intake/", operator, console_forms.IntakeForm())] + [
        FormCase(
            f"console {name}", f"{base}/{name}/", operator, ACTIONS[name].form(ctx=ctx, action=name)
        )
        for name in ("dispatch", "answer")
    ]


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_cases(world: World) -> list[FormCase]:
    # the registry, the calendar and the templates are the system administrator's duty
    system = world.personas[Role.ADMIN]
    mandate = Mandate.objects.order_by("pk").first()
    template = MessageTemplate.objects.order_by("pk").first()
    policy = StatisticsPolicy.objects.order_by("pk").first()
    cases = [
        FormCase("deputy import", reverse("admin:deputies_deputy_import"), system, ImportForm()),
        FormCase(
            "calendar notice", reverse("admin:workdays_calendaryear_publish"), system, NoticeForm()
        ),
        FormCase(
            "end mandates",
            reverse("admin:deputies_mandate_changelist"),
            system,
            MandateEndForm(),
            extra={"action": "end_mandates", "_selected_action": str(mandate.pk), "apply": "1"},
        ),
        FormCase(
            "message template",
            reverse("admin:notify_messagetemplate_change", args=[template.pk]),
            system,
            MessageTemplateForm(instance=template),
        ),
        FormCase(
            "statistics policy",
            reverse("admin:ledger_statisticspolicy_change", args=[policy.pk]),
            system,
            StatisticsPolicyForm(instance=policy),
        ),
    ]
    cases += [_user_record_case(world), *_deputy_phone_cases(world)]
    for model, model_admin in admin.site._registry.items():
        owner = administrator_for(world, model, "add")
        request = _admin_request(owner)
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        cases.append(FormCase(f"admin add {model._meta.label}", path, owner, form))
    return cases


def _user_record_case(world: World) -> FormCase:
    """A user's record, as the system administrator changes it (the form the admin builds for
    this administrator and this user)."""
    system, target = world.personas[Role.ADMIN], world.personas["operator"]
    form = admin.site._registry[User].get_form(_admin_request(system), target)(instance=target)
    path = reverse("admin:accounts_user_change", args=[target.pk])
    overrides = {"new_phone": "13800138008", "deputy": ""}  # valid: a number, no deputy link
    return FormCase("admin user record", path, system, form, overrides=overrides)


def _management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _deputy_phone_cases(world: World) -> list[FormCase]:
    """A deputy's change page with one new number in the phones inline (PhoneForm): the
    deputy's own fields stay valid, the inline's take the hostile values."""
    system = world.personas[Role.ADMIN]
    deputy = world.extra["deputy"]
    path = reverse("admin:deputies_deputy_change", args=[deputy.pk])
    request = _admin_request(system)
    own = admin.site._registry[Deputy].get_form(request, deputy)(instance=deputy)
    page = {**baseline(FormCase("deputy", path, system, own)), **_management("mandates", 0)}
    phone = PhoneForm(prefix="phones-0")
    return [
        FormCase(
            "admin deputy phone",
            path,
            system,
            phone,
            prefix="phones-0",
            extra={**page, **_management("phones", 1)},
            overrides={"new_number": "13800138009"},
        )
    ]


def form_cases(world: World) -> list[FormCase]:
    return [
        *_action_cases(world),
        *_console_cases(world),
        *_message_cases(world),
        FormCase(
            "ledger filters", "/work/ledger/", world.personas["liaison"], LedgerFilterForm(), "GET"
        ),
        *(
            FormCase(f"statistics filters {path}", path, world.personas["liaison"], form, "GET")
            for path, form in (
                ("/work/stats/", StatsFilterForm()),
                ("/work/stats/departments/", StatsFilterForm()),
                ("/work/stats/deputies/", StatsFilterForm()),
                ("/work/hot/", HotFilterForm()),
            )
        ),
        FormCase("search", "/work/search/", world.personas["handler"], SearchForm(), "GET"),
        FormCase(
            "phone search",
            "/work/search/",
            world.personas["dispatcher"],
            PhoneSearchForm(),
            overrides={"phone": "13812345678"},
        ),
        FormCase("log-in", "/login/", None, LoginForm()),
        FormCase(
            "change password",
            "/account/password/",
            world.personas["dispatcher"],
            PasswordChangeForm(user=world.personas["dispatcher"]),
        ),
        # a dispatcher may take a second factor of their own: the first code confirms it
        FormCase(
            "two-factor code", "/account/2fa/setup/", world.personas["dispatcher"], TokenForm()
        ),
        *_mashang_cases(world),
        *_admin_cases(world),
        _block_case(world),
        *_suggestion_cases(world),
        *_clue_cases(world),
    ]


def _clue_cases(world: World) -> list[FormCase]:
    """线索库: the liaison officer's list filters, new clue, link, assign, close and proposal;
    the group deputy's note (with a file) and suggestion."""
    from minyi.clues import forms as clue_forms
    from minyi.core import idempotency

    liaison, deputy = world.personas["liaison"], world.personas["deputy"]
    clue, proposal = world.extra["clue"], world.extra["clue_proposal"]
    base = f"/work/clues/{clue.pk}"
    number = {"numbers": world.orders["signed"].number}
    return [
        FormCase("clue filters", "/work/clues/", liaison, clue_forms.ClueFilterForm(), "GET"),
        FormCase("clue new", "/work/clues/new/", liaison, clue_forms.ClueCreateForm()),
        FormCase("clue link", f"{base}/link/", liaison, clue_forms.LinkForm(), overrides=number),
        FormCase("clue assign", f"{base}/assign/", liaison, clue_forms.AssignForm()),
        FormCase("clue close", f"{base}/close/", liaison, clue_forms.CloseForm()),
        FormCase(
            "clue proposal",
            f"{base}/proposals/{proposal.pk}/accept/",
            liaison,
            idempotency.KeyedForm(),
        ),
        FormCase("clue note", f"{base}/note/", deputy, clue_forms.NoteForm()),
        FormCase(
            "clue suggest",
            f"{base}/suggest/",
            deputy,
            clue_forms.SuggestForm(clue=clue, deputy_id=deputy.deputy_id),
        ),
    ]


def _suggestion_cases(world: World) -> list[FormCase]:
    """代表建议: the committee's review and hand-over, the department's reply, the deputy's new,
    amended and evaluated suggestion, the ledger's filters, the limits in the admin."""
    from minyi.suggestions import forms as suggestion_forms
    from minyi.suggestions.admin import SuggestionPolicyForm
    from minyi.suggestions.ledger import LedgerFilterForm as SuggestionLedgerForm
    from minyi.suggestions.models import SuggestionPolicy
    from minyi.suggestions.services import (
        suggestion_accept,
        suggestion_assign,
        suggestion_create,
        suggestion_reply,
        suggestion_return,
    )

    deputy, liaison = world.personas["deputy"], world.personas["liaison"]
    handler = world.personas["handler"]

    def new(title: str):
        return suggestion_create(
            title=title, content="内容", lead_deputy=deputy.deputy, actor=deputy, source="deputy"
        )

    pending, accepted, assigned, replied, returned = (
        new(t) for t in ("待审查", "待交办", "办理中", "待评价", "已退回")
    )
    for row in (accepted, assigned, replied):
        suggestion_accept(suggestion=row, actor=liaison)
    for row in (assigned, replied):
        suggestion_assign(suggestion=row, actor=liaison, lead_department=handler.department)
    suggestion_reply(suggestion=replied, actor=handler, content="答复")
    suggestion_return(suggestion=returned, actor=liaison, reason="请补充")
    policy = SuggestionPolicy.objects.order_by("pk").first()
    base = "/work/suggestions"
    return [
        FormCase("suggestion new", f"{base}/new/", deputy, suggestion_forms.SuggestionForm()),
        FormCase(
            "suggestion review",
            f"{base}/{pending.pk}/review/",
            liaison,
            suggestion_forms.ReviewForm(),
        ),
        FormCase(
            "suggestion assign",
            f"{base}/{accepted.pk}/assign/",
            liaison,
            suggestion_forms.AssignForm(),
        ),
        FormCase(
            "suggestion reply",
            f"{base}/{assigned.pk}/reply/",
            handler,
            suggestion_forms.ReplyForm(),
        ),
        FormCase(
            "suggestion evaluate",
            f"{base}/{replied.pk}/evaluate/",
            deputy,
            suggestion_forms.EvaluateForm(),
        ),
        FormCase(
            "suggestion resubmit",
            f"{base}/{returned.pk}/resubmit/",
            deputy,
            suggestion_forms.ResubmitForm(),
        ),
        FormCase("suggestion ledger", f"{base}/ledger/", liaison, SuggestionLedgerForm(), "GET"),
        FormCase(
            "suggestion policy",
            reverse("admin:suggestions_suggestionpolicy_change", args=[policy.pk]),
            world.personas[Role.ADMIN],
            SuggestionPolicyForm(instance=policy),
        ),
    ]


def _block_case(world: World) -> FormCase:
    """码上找代表: station staff block the number of a message handed to their station."""
    from tests.factories import MessageFactory

    staff = world.personas["station"]
    message = MessageFactory(
        deputy=world.extra["deputy"],
        station=staff.station,
        holder="station",
        phone="+8613712340000",
    )
    form = ReasonForm(message=message, action="block")
    return FormCase("block a number", f"/work/messages/{message.pk}/block/", staff, form)


def _mashang_cases(world: World) -> list[FormCase]:
    """码上找代表's public forms, as a visitor (no log-in)."""
    from minyi.mashang.services import code_for

    code = code_for(world.extra["deputy"]).code
    phone = {"phone": "13812345678"}
    return [
        FormCase(
            "码上找代表 message",
            f"/m/{code}/message",
            None,
            MessageForm(),
            overrides={**phone, "sms_code": "123456", "photos": ""},
        ),
        FormCase("码上找代表 track", "/m/track", None, TrackForm(), overrides=phone),
        FormCase(
            "码上找代表 rating",
            "/m/track/rate",
            None,
            RatingForm(),
            overrides={**phone, "tracking_code": "ZZZZZZZZZZ"},
        ),
    ]
