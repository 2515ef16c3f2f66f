"""The base every ModelAdmin and inline of ours inherits (the site's check refuses others).

1. Protected fields (``protected.py``) are never form fields, never lookups (``lookup_allowed``),
   and may not be named in search, filters, ordering, list columns or read-only fields (a
   system check fails at start-up): pages show them masked through display methods. Other
   filters typed into a changelist's address are checked like any input (``lookups.py``).
2. A full view is a POST to ``<id>/reveal/``: the admin's ``reveal`` logs it through the
   privacy services and only then returns the values (``revealed_values``).
3. Permissions are the duty table's, through ``user.has_perm`` (``accounts/duties.py``).
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse

from minyi.accounts import duties
from minyi.adminsite import lookups, protected
from minyi.core.access import client_ip
from minyi.core.masking import mask_phone
from minyi.privacy.models import Surface
from minyi.privacy.services import personal_data_seen

NAMED_OPTIONS = (
    "search_fields",
    "list_filter",
    "list_display",
    "list_display_links",
    "list_editable",
    "ordering",
    "sortable_by",
    "readonly_fields",
    "fields",
    "raw_id_fields",
    "autocomplete_fields",
)


def _names(value) -> list[str]:
    """Field paths named by an option value (filters may be tuples or classes)."""
    names = []
    for item in value or ():
        if isinstance(item, (list, tuple)):
            names.extend(i for i in item if isinstance(i, str))
        elif isinstance(item, str):
            names.append(item.lstrip("-^=@"))
    return names


def _fieldset_names(fieldsets) -> list[str]:
    names = []
    for _, options in fieldsets or ():
        names.extend(_names(options.get("fields", ())))
    return names


class ProtectedFieldsMixin:
    """Shared by model admins and inlines: protected fields never become form fields."""

    def get_exclude(self, request, obj=None):
        base = super().get_exclude(request, obj)
        if base is None:  # Django then reads the form's Meta.exclude; keep doing so
            base = getattr(getattr(self.form, "_meta", None), "exclude", None) or ()
        return [*base, *sorted(protected.protected_fields(self.model))]

    def _protected_option_errors(self) -> list[checks.CheckMessage]:
        errors = []
        named = {option: _names(getattr(self, option, None)) for option in NAMED_OPTIONS}
        named["fieldsets"] = _fieldset_names(getattr(self, "fieldsets", None))
        hierarchy = getattr(self, "date_hierarchy", None)
        named["date_hierarchy"] = [hierarchy] if hierarchy else []
        for option, names in named.items():
            for name in names:
                if protected.touches_protected(self.model, name):
                    errors.append(
                        checks.Error(
                            f"{type(self).__qualname__}.{option} names the protected field "
                            f"{name!r}: show it masked through a display method instead.",
                            obj=type(self),
                            id="minyi.E003",
                        )
                    )
        return errors


class MinyiInlineMixin(ProtectedFieldsMixin):
    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._protected_option_errors()]


class MinyiTabularInline(MinyiInlineMixin, admin.TabularInline):
    pass


class ReadOnlyInline(MinyiTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MinyiModelAdmin(ProtectedFieldsMixin, admin.ModelAdmin):
    change_form_template = "admin/minyi/change_form.html"

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._protected_option_errors()]

    def lookup_allowed(self, lookup, value, request=None):
        if protected.touches_protected(self.model, lookup):
            return False
        lookups.check_lookup(self.model, lookup, value)  # BadFilter: a 400 with the reason
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        # What the checks above let through and the ORM still refuses (a page number past the
        # end, a filter's own parameter with a value it does not know): the same 400 page, not
        # Django's redirect to an English "database error".
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            raise lookups.BadFilter("条件与数据不符。") from None

    # -- reveal ------------------------------------------------------------------------------

    def revealed_values(self, obj) -> list[tuple[str, str]]:
        """(label, full value) pairs a reveal shows. Admins with personal fields override."""
        return []

    def may_reveal(self, request, obj) -> bool:
        return bool(
            obj is not None
            and self.revealed_values(obj)
            and self.has_view_permission(request, obj)
            and duties.may_reveal(request.user, self.opts.label_lower)
        )

    def reveal(self, request, obj) -> list[tuple[str, str]]:
        """Log the full view, then return it. Refuses with PermissionDenied."""
        if not self.may_reveal(request, obj):
            raise PermissionDenied("您不能查看这些个人信息的完整内容。")
        values = self.revealed_values(obj)
        personal_data_seen(
            user=request.user,
            subject=f"{self.opts.verbose_name}：{obj}",
            fields="、".join(label for label, _ in values),
            surface=Surface.ADMIN,
            ip=client_ip(request),
        )
        return values

    def reveal_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.may_reveal(request, obj):
            raise PermissionDenied("您不能查看这些个人信息的完整内容。")
        if request.method != "POST":  # a full view is an act, logged: never a link to follow
            return HttpResponseNotAllowed(["POST"])
        values = self.reveal(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"完整信息：{obj}",
            "opts": self.opts,
            "original": obj,
            "values": values,
            "back": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, "admin/minyi/reveal.html", context)

    def offers_reveal(self) -> bool:
        """Only admins that say what a reveal shows get the page."""
        cls = type(self)
        return (
            cls.revealed_values is not MinyiModelAdmin.revealed_values
            or cls.reveal is not MinyiModelAdmin.reveal
        )

    def get_urls(self):
        if not self.offers_reveal():
            return super().get_urls()
        name = f"{self.opts.app_label}_{self.opts.model_name}_reveal"
        view = self.admin_site.admin_view(self.reveal_view)
        return [path("<path:object_id>/reveal/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None and self.offers_reveal() and self.may_reveal(request, obj):
            extra["reveal_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_reveal", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)


class ReadOnlyAdmin(MinyiModelAdmin):
    """Append-only records (logs, ledgers): read, never added, edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# -- masked display ------------------------------------------------------------------------------


def masked_phone(value: str) -> str:
    return mask_phone(value) if value else "—"


PHONE_KEYS = frozenset({"from", "caller", "caller_raw", "phone", "number"})
PHONE_LIKE = re.compile(r"^[+\d\s()\-]{7,}$")


def masked_payload(payload) -> str:
    """A PBX event's JSON with the caller's number (and anything shaped like one) masked."""
    if not isinstance(payload, dict) or not payload:
        return "—"
    shown = []
    for key, value in payload.items():
        text = str(value)
        if key in PHONE_KEYS or PHONE_LIKE.match(text):
            text = mask_phone(re.sub(r"[\s()\-]", "", text))
        shown.append(f"{key}: {text}")
    return "；".join(shown)
