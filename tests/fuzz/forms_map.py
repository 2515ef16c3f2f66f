"""Which URL takes which form, as whom: every form of the project (and each admin model form)
with a persona allowed to use it and a valid body to start from. ``test_every_form_is_fuzzed``
fails when a form of the project is missing here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from minyi.console import forms as console_forms
from minyi.core import clock
from minyi.deputies.forms import ImportForm, MandateEndForm
from minyi.deputies.models import Mandate
from minyi.notify.admin import MessageTemplateForm
from minyi.notify.models import MessageTemplate
from minyi.workbench import permissions
from minyi.workbench.action_views import ACTIONS
from minyi.workbench.filters import LedgerFilterForm
from minyi.workdays.forms import NoticeForm
from tests.factories import make_order
from tests.fuzz.world import World


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

    @property
    def form_class(self) -> type:
        return type(self.form)


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
            data[name] = case.overrides[name]
        elif isinstance(f, forms.FileField):
            data[name] = pdf()
        elif isinstance(f, forms.ModelMultipleChoiceField):
            data[name] = [_first(f.queryset)]
        elif isinstance(f, forms.ModelChoiceField):
            data[name] = str(initial) if initial not in (None, "") else _first(f.queryset)
        elif isinstance(f, forms.MultipleChoiceField):
            data[name] = [_choice(f, None)]
        elif isinstance(f, forms.ChoiceField):
            data[name] = _choice(f, initial)
        elif isinstance(f, forms.BooleanField):
            data[name] = "on"
        elif isinstance(f, forms.DateTimeField):  # a week ahead suits a deadline too
            data[name] = (now + timedelta(days=7)).astimezone(clock_tz()).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(f, forms.SplitDateTimeField):
            local = now.astimezone(clock_tz())
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
        elif isinstance(f, forms.DateField):
            data[name] = f"{now.astimezone(clock_tz()):%Y-%m-%d}"
        elif isinstance(f, forms.IntegerField):
            data[name] = str(initial or f.min_value or 1)
        else:
            data[name] = str(initial) if initial not in (None, "") else "测试"
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


def _console_cases(world: World) -> list[FormCase]:
    operator = world.personas["operator"]
    order = make_order("accepted", operator=operator)
    base = f"/console/orders/{order.number}"
    return [
        FormCase("intake", "/console/intake/", operator, console_forms.IntakeForm()),
        FormCase("console dispatch", f"{base}/dispatch/", operator, console_forms.DispatchForm()),
        FormCase("console answer", f"{base}/answer/", operator, console_forms.DirectAnswerForm()),
        FormCase("console reject", f"{base}/reject/", operator, console_forms.RejectForm()),
    ]


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_cases(world: World) -> list[FormCase]:
    root = world.personas["superuser"]
    mandate = Mandate.objects.order_by("pk").first()
    template = MessageTemplate.objects.order_by("pk").first()
    cases = [
        FormCase("deputy import", reverse("admin:deputies_deputy_import"), root, ImportForm()),
        FormCase(
            "calendar notice", reverse("admin:workdays_calendaryear_publish"), root, NoticeForm()
        ),
        FormCase(
            "end mandates",
            reverse("admin:deputies_mandate_changelist"),
            root,
            MandateEndForm(),
            extra={"action": "end_mandates", "_selected_action": str(mandate.pk), "apply": "1"},
        ),
        FormCase(
            "message template",
            reverse("admin:notify_messagetemplate_change", args=[template.pk]),
            root,
            MessageTemplateForm(instance=template),
        ),
    ]
    request = _admin_request(root)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        cases.append(FormCase(f"admin add {model._meta.label}", path, root, form))
    return cases


def form_cases(world: World) -> list[FormCase]:
    return [
        *_action_cases(world),
        *_console_cases(world),
        FormCase(
            "ledger filters", "/work/ledger/", world.personas["liaison"], LedgerFilterForm(), "GET"
        ),
        FormCase("log-in", "/login/", None, AuthenticationForm()),
        *_admin_cases(world),
    ]
