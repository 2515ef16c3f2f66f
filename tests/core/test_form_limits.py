"""Every form in the project bounds its dates and states its text limits — by construction:
each derives from ``minyi.core.forms.Form``/``ModelForm``, whose ``harden`` bounds every date
(2000–2099, a deadline within a year) and refuses a text field without ``max_length``. A new
form that forgets the base class, or a text field without a limit, fails here."""

from __future__ import annotations

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

import minyi
from minyi.core import forms as core
from tests.factories import keyed


def _import_project() -> None:
    for module in pkgutil.walk_packages(minyi.__path__, "minyi."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    _import_project()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("minyi.") and cls not in (core.Form, core.ModelForm)
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = project_forms()


def test_the_walk_finds_the_forms_it_must_check():
    names = {cls.__name__ for cls in FORMS}
    assert {"IntakeForm", "LedgerFilterForm", "ReplyForm", "ExtendForm", "NoticeForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__qualname__)
def test_every_form_derives_from_the_hardened_base(form_class):
    assert issubclass(form_class, core.Hardened), (
        f"{form_class.__module__}.{form_class.__qualname__} must derive from minyi.core.forms"
    )


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__qualname__)
def test_every_date_is_bounded_and_every_text_has_a_limit(form_class):
    fields = copy.deepcopy(form_class.base_fields)
    default = getattr(form_class, "default_text_max", None)  # what the form itself declares

    core.harden(fields, form_name=form_class.__name__, default_text_max=default)

    for name, field in fields.items():
        if isinstance(field, core.TEMPORAL_FIELDS):
            assert core.validate_in_years in field.validators, name
        if isinstance(field, forms.CharField):
            assert field.max_length is not None, name
            if not field.widget.is_hidden:
                assert field.widget.attrs["maxlength"] == str(field.max_length), name
                assert f"最多 {field.max_length} 字" in str(field.help_text), name


def test_a_text_field_without_a_limit_fails_on_the_first_render():
    class Careless(core.Form):
        remark = forms.CharField()

    with pytest.raises(ImproperlyConfigured, match="Careless.remark"):
        Careless()


def test_a_plain_date_field_added_after_construction_is_bounded_too():
    class Late(core.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["day"] = forms.DateField()

    form = Late({"day": "9999-12-31"})

    assert not form.is_valid()
    assert "2000 年至 2099 年" in form.errors["day"][0]


def test_line_breaks_count_once_as_the_browser_counts_them():
    class Note(core.Form):
        note = core.text("说明", max_length=5, rows=2)

    form = Note({"note": "ab\r\ncd"})

    assert form.is_valid()
    assert form.cleaned_data["note"] == "ab\ncd"


@pytest.mark.django_db
def test_the_operator_reads_each_limit_under_its_field(client, olivia):
    client.force_login(olivia)

    text = client.get("/console/intake/").content.decode()

    assert 'maxlength="5000"' in text and "最多 5000 字" in text
    assert 'maxlength="120"' in text and "最多 120 字" in text


@pytest.mark.django_db
def test_a_9mb_order_content_is_refused_and_5001_characters_say_the_limit(client, olivia):
    from minyi.orders.models import WorkOrder

    client.force_login(olivia)
    base = {
        "channel": "citizen_call",
        "request_type": 1,
        "urgency": "normal",
        "complexity": "normal",
    }
    base.update(title="占道经营", requester_name="李群众")

    huge = client.post("/console/intake/", keyed(base, content="x" * (9 * 1024 * 1024)))
    long = client.post("/console/intake/", keyed(base, content="长" * 5001))

    assert huge.status_code == 413
    assert "最多 5000 字（现为 5001 字）" in long.content.decode()
    assert not WorkOrder.objects.exists()


def test_every_admin_form_is_hardened_too():
    from django.contrib.admin.sites import all_sites

    unhardened = []
    for site in all_sites:
        for model, model_admin in site._registry.items():
            forms_used = [
                getattr(model_admin, "form", None),
                getattr(model_admin, "add_form", None),
            ]
            forms_used += [inline.form for inline in model_admin.inlines]
            unhardened += [
                f"{model._meta.label}: {f.__name__}"
                for f in forms_used
                if isinstance(f, type) and not issubclass(f, core.Hardened)
            ]
    assert not unhardened


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["²", "99999999999999999999999", "1e3", "-1", " 1x"])
def test_a_choice_of_row_that_is_no_id_is_invalid_before_any_query(junk, django_assert_num_queries):
    from minyi.reference.models import Department

    class Pick(core.Form):
        one = forms.ModelChoiceField(queryset=Department.objects.all())
        many = forms.ModelMultipleChoiceField(queryset=Department.objects.all())

    form = Pick({"one": junk, "many": [junk]})

    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
    assert form["one"].value() is None  # not shown again: a widget would query it


def test_a_limit_set_after_the_field_was_built_is_enforced_not_only_shown():
    class Late(core.Form):
        name = forms.CharField(max_length=200)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["name"].max_length = 5  # as Django's AuthenticationForm does

    form = Late({"name": "x" * 6})

    assert not form.is_valid()
    assert "最多 5 字" in form.errors["name"][0]


@pytest.mark.django_db
def test_an_overlong_user_name_at_log_in_is_a_message_not_a_500(client):
    response = client.post("/login/", {"username": "x" * 300, "password": "secret"})

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
