"""The project's form base classes and fields: every date is bounded, every text has a limit.

Every form in the project derives from ``Form`` (or ``ModelForm``); ``tests/core/
test_form_limits.py`` walks them all and fails on one that does not. When a form is built,
``harden`` goes over its fields (declared ones and those added in ``__init__``):

- a date or date-time field accepts only the years of ``minyi.core.bounds`` (2000–2099), so
  year 0001 or 9999 is a message at the field instead of a 500 somewhere after it; the
  browser's picker gets the same ``min``/``max``. A ``DeadlineField`` is narrower: from now to
  one year ahead;
- a text field must state its limit (``max_length``, else ``ImproperlyConfigured`` on the first
  render, which any test of the page catches); the browser gets ``maxlength`` and the user
  reads "最多 N 字" under the field. A ``ModelForm`` (the admin's) may fall back to
  ``MODEL_TEXT_MAX`` for a model ``TextField`` that states none.

The admin's forms (generated per ModelAdmin, or Django's own user forms) get the same step at
start-up (``harden_admin``, from ``CoreConfig.ready``). A model choice field also refuses an
id that is not one ("²", twenty digits) before any query.

The services check the same bounds (``bounds.check_date``/``check_deadline``) and lengths, for
callers that do not come through a form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from minyi.core import bounds, clock, timefmt

MODEL_TEXT_MAX = 10_000
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


TOO_LONG = "最多 %(limit_value)d 字（现为 %(show_value)d 字）。"


def limit_text(max_length: int) -> str:
    return f"最多 {max_length} 字"


class TextField(forms.CharField):
    """A text field with a stated limit. Line breaks count once, as the browser counts them
    for ``maxlength`` (a form posts them as CRLF)."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def text(
    label: str, *, max_length: int, rows: int = 0, required: bool = True, **kwargs
) -> TextField:
    """A one-line input, or a textarea of ``rows`` rows."""
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return TextField(label=label, max_length=max_length, required=required, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def validate_in_years(value) -> None:
    """The validator every date and date-time field carries (``harden`` adds it)."""
    if value not in (None, "") and not bounds.date_allowed(value):
        raise ValidationError(f"日期须在 {bounds.YEARS_TEXT}。", code="out_of_range")


class DateField(forms.DateField):
    widget = DateInput
    default_validators = [validate_in_years]


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    default_validators = [validate_in_years]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        super().__init__(**kwargs)


class DeadlineField(DateTimeField):
    """A deadline set by hand: after now, at most ``bounds.DEADLINE_HORIZON`` ahead."""

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        now = clock.now()
        if value <= now:
            raise ValidationError("须晚于当前时间。", code="past")
        latest = bounds.deadline_latest(now)
        if value > latest:
            raise ValidationError(
                f"不能晚于 {timefmt.local_text(latest)}（一年之内）。", code="too_far"
            )


def _integer_key(field: forms.ModelChoiceField) -> bool:
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(key, models.IntegerField | models.AutoField)


def _well_formed(field: forms.ModelChoiceField, value) -> bool:
    if value in field.empty_values or isinstance(value, models.Model):
        return True
    return not _integer_key(field) or bounds.parse_id(value) is not None


class _ModelChoiceChecks:
    """For the model choice fields: an id that is not one ("²", 20 digits) is an invalid
    choice before any query runs, and is not shown again (Django's own fields query it, and the
    admin's autocomplete widget re-renders it with a query that raises)."""

    def to_python(self, value):
        if not _well_formed(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def clean(self, value):
        if isinstance(value, list | tuple):
            for item in value:
                if not _well_formed(self, item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:20]},
                    )
        return super().clean(value)

    def bound_data(self, data, initial):
        if isinstance(data, list | tuple):
            return [v for v in data if _well_formed(self, v)]
        return data if _well_formed(self, data) else None


_CHECKED: dict[type, type] = {}


def _checked_class(cls: type) -> type:
    if cls not in _CHECKED:
        _CHECKED[cls] = type(cls.__name__, (_ModelChoiceChecks, cls), {})
    return _CHECKED[cls]


TEMPORAL_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def _picker_limits(field: forms.Field) -> tuple[str, str] | None:
    """``min``/``max`` for the browser's date picker, in the format its input type reads."""
    kind = getattr(field.widget, "input_type", "")
    if isinstance(field, DeadlineField):
        now = clock.now()
        return (
            timefmt.input_text(now),
            timefmt.input_text(bounds.deadline_latest(now)),
        )
    first, last = timefmt.day_text(bounds.EARLIEST_DATE), timefmt.day_text(bounds.LATEST_DATE)
    if kind == "date":
        return first, last
    if kind == "datetime-local":
        return f"{first}T00:00", f"{last}T23:59"
    return None


def harden(fields: dict, *, form_name: str, default_text_max: int | None = None) -> None:
    """Bound every date, require (and state) every text limit, in place. See the module text."""
    for name, field in fields.items():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, _ModelChoiceChecks):
            field.__class__ = _checked_class(type(field))  # same field, with the id checks
        if isinstance(field, TEMPORAL_FIELDS):
            if validate_in_years not in field.validators:
                field.validators.append(validate_in_years)
            limits = None if field.widget.is_hidden else _picker_limits(field)
            if limits:
                field.widget.attrs.setdefault("min", limits[0])
                field.widget.attrs.setdefault("max", limits[1])
        if isinstance(field, forms.CharField):
            if field.max_length is None:
                if default_text_max is None:
                    raise ImproperlyConfigured(
                        f"{form_name}.{name}: every text field states its limit (max_length)."
                    )
                field.max_length = default_text_max
                field.validators.append(MaxLengthValidator(default_text_max))
            elif not any(
                isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                for v in field.validators
            ):
                # a limit set after the field was built (AuthenticationForm sets its username's
                # in __init__) is only an HTML attribute until a validator holds it
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ] + [MaxLengthValidator(field.max_length)]
            # Django's own words ("确保该变量包含不超过 …") read badly; say it as the services do.
            field.error_messages["max_length"] = TOO_LONG
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
                note = limit_text(field.max_length)
                if note not in str(field.help_text):
                    field.help_text = f"{field.help_text}（{note}）" if field.help_text else note


class Hardened:
    """Hardens the fields when the form is built, and again before it validates (a field a
    subclass adds after ``super().__init__()`` is bounded too; ``harden`` is idempotent).

    Mix it in first for a form built on one of Django's (``class ChangePassword(Hardened,
    PasswordChangeForm)``, with ``default_text_max`` for fields Django leaves unlimited), or
    wrap such a class with ``hardened()``."""

    default_text_max: int | None = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")  # Chinese text takes the full-width colon
        super().__init__(*args, **kwargs)
        self._harden()

    def full_clean(self):
        self._harden()
        super().full_clean()

    def _harden(self) -> None:
        harden(self.fields, form_name=type(self).__name__, default_text_max=self.default_text_max)


class Form(Hardened, forms.Form):
    """The base of every form in the project (see the module text)."""


class ModelForm(Hardened, forms.ModelForm):
    """The base of a model form (the admin's): a model text without a limit gets
    ``MODEL_TEXT_MAX``."""

    default_text_max = MODEL_TEXT_MAX


def hardened(form_class: type) -> type:
    """``form_class`` with the hardening of ``ModelForm`` (for a form the project did not write:
    the admin's generated forms, Django's user forms)."""
    if issubclass(form_class, Hardened):
        return form_class
    attrs = {"default_text_max": MODEL_TEXT_MAX, "__module__": form_class.__module__}
    return type(form_class.__name__, (Hardened, form_class), attrs)


def harden_admin(sites) -> None:
    """Every form of every admin site goes through ``harden`` too (run once at start-up, after
    the admin modules are loaded): a ModelAdmin that names no form, or one of Django's, gets the
    same bounds and limits as the project's forms, without each admin class repeating it."""
    for site in sites:
        for model_admin in site._registry.values():
            for attr in ("form", "add_form"):
                form = getattr(model_admin, attr, None)
                if isinstance(form, type):
                    setattr(model_admin, attr, hardened(form))
            for inline in model_admin.inlines:
                inline.form = hardened(inline.form)
