"""Users in the admin, split by duty (``accounts/duties.py``): the system administrator keeps
the record (name, role, department, deputy link, station, phone, activation) of
non-administrators; the security administrator resets passwords, lifts lock-outs, resets
authenticators and grants administrator roles. Every save goes through ``accounts.services``,
which checks the same rule and writes the audit row. Users are never deleted.

Also here: the audit logs the audit administrator reads (account events, the admin's own
change history, failed log-ins), and the authenticator devices."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts import duties, lockout
from minyi.accounts.models import AccountEvent, Authenticator, LoginAttempt, User
from minyi.accounts.services import credentials, users
from minyi.adminsite.base import MinyiModelAdmin, ReadOnlyAdmin, masked_phone
from minyi.core import forms as core
from minyi.core.errors import DomainError
from minyi.deputies.phones import PhoneError, normalize_phone

# Groups and per-user permissions grant nothing here (the duty table does): no page for them.
admin.site.unregister(Group)
# django-otp registers its own device admin, which shows the secret key; ours does not.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

RECORD_FIELDS = (
    "last_name",
    "first_name",
    "role",
    "department",
    "deputy",
    "station",
    "is_active",
)


class UserForm(core.ModelForm):
    """One form; the admin offers each administrator only the fields their duty allows, and
    the role list only the roles they may give."""

    new_phone = forms.CharField(
        label="新手机号码",
        required=False,
        max_length=40,
        help_text="填写则替换原号码（原号码只显示脱敏后的形式）。",
    )

    class Meta:
        model = User
        fields = ["username", *RECORD_FIELDS]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        target = self.instance if self.instance.pk else None
        if "role" in self.fields:
            allowed = set(duties.roles_assignable(actor, target)) | {self.instance.role}
            self.fields["role"].choices = [
                (value, label) for value, label in self.fields["role"].choices if value in allowed
            ]

    def clean_role(self):
        role = self.cleaned_data["role"]
        target = self.instance if self.instance.pk else None
        refused = duties.role_change_refused(self.actor, target, role)
        if refused:
            raise forms.ValidationError(refused)
        return role

    def clean_new_phone(self):
        raw = self.cleaned_data.get("new_phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(User)
class UserAdmin(MinyiModelAdmin):
    form = UserForm
    list_display = (
        "username",
        "full_name",
        "role",
        "department",
        "is_active",
        "two_factor",
        "locked",
        "last_login",
    )
    list_filter = ("role", "is_active")
    search_fields = ("username", "last_name", "first_name")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "deputy", "station")
    ordering = ("username",)

    # -- what each administrator sees and edits ---------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["username", *RECORD_FIELDS[:-1], "new_phone"]})]
        record = ["username", "full_name", "masked_phone"]
        if "phone" in duties.user_fields_editable(request.user, obj):
            record.append("new_phone")
        return [
            (None, {"fields": record}),
            ("角色与归属", {"fields": ["role", "department", "deputy", "station", "is_active"]}),
            ("账号安全", {"fields": ["account_state", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        shown = ["full_name", "masked_phone", "account_state", "last_login", "date_joined"]
        if obj is None:
            return []
        editable = duties.user_fields_editable(request.user, obj)
        fixed = [f for f in RECORD_FIELDS if f not in editable]
        return [*shown, "username", *fixed]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class Form(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, actor=actor, **kw)

        return Form

    def has_delete_permission(self, request, obj=None):
        return False  # deactivated, never deleted

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                user = users.user_create(
                    actor=request.user,
                    username=data["username"],
                    last_name=data.get("last_name", ""),
                    first_name=data.get("first_name", ""),
                    role=data.get("role", ""),
                    department=data.get("department"),
                    deputy=data.get("deputy"),
                    station=data.get("station"),
                    phone=data.get("new_phone", ""),
                )
                obj.pk = user.pk  # the admin logs and redirects with it
                self.message_user(
                    request,
                    "用户已创建，尚无密码：请安全管理员重置密码后将临时密码交给本人。",
                    messages.WARNING,
                )
                return
            # obj already carries the form's values; who may edit what depends on the stored row
            editable = duties.user_fields_editable(request.user, User.objects.get(pk=obj.pk))
            changes = {f: data[f] for f in form.changed_data if f in editable and f in data}
            if data.get("new_phone") and "phone" in editable:
                changes["phone"] = data["new_phone"]
            users.user_update(actor=request.user, user=obj, changes=changes)
        except DomainError as error:
            raise PermissionDenied(error.message) from None

    def save_related(self, request, form, formsets, change):
        pass  # no related rows are edited here (groups and permissions are not used)

    # -- columns -----------------------------------------------------------------------------

    @admin.display(description="姓名")
    def full_name(self, user: User) -> str:
        return user.get_full_name() or "—"

    @admin.display(description="手机号码")
    def masked_phone(self, user: User) -> str:
        return masked_phone(user.phone)

    def get_queryset(self, request):
        # the list's 两步验证 and 登录锁定 columns in the same query, not two more per row
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        users = super().get_queryset(request).annotate(has_device=Exists(devices))
        return lockout.with_lock_state(users)

    @admin.display(description="两步验证", boolean=True)
    def two_factor(self, user: User) -> bool:
        if hasattr(user, "has_device"):
            return user.has_device
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    @admin.display(description="登录锁定", boolean=True)
    def locked(self, user: User) -> bool:
        if hasattr(user, "failures_total"):
            return lockout.locked_by(user.failures_total, user.failures_one_address)
        return lockout.is_locked(user.username)

    @admin.display(description="账号状态")
    def account_state(self, user: User) -> str:
        parts = []
        if not user.has_usable_password():
            parts.append("尚未设置密码（待安全管理员重置）")
        elif user.password_change_required:
            parts.append("下次登录须修改密码")
        parts.append("已启用两步验证" if self.two_factor(user) else "未启用两步验证")
        if self.locked(user):
            parts.append("登录已锁定")
        return "；".join(parts)

    def revealed_values(self, user: User) -> list[tuple[str, str]]:
        return [("手机号码", user.phone.removeprefix("+86"))] if user.phone else []

    # -- the security administrator's buttons ------------------------------------------------

    # slug, label, action, the key a reset hands over (两人原则: duties.credential_reset_refused)
    TOOLS = (
        ("password-reset", "重置密码", "password_reset", "password"),
        ("unlock", "解除锁定", "unlock", None),
        ("totp-reset", "重置两步验证", "totp_reset", "second_factor"),
    )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                f"<path:object_id>/{slug}/",
                view(self._tool(action)),
                name=f"accounts_user_{action}",
            )
            for slug, _, action, _ in self.TOOLS
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        target = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if duties.may_manage_credentials(request.user, target):
            tools, refused = [], {}  # reason -> the tools it refuses
            for _, label, action, key in self.TOOLS:
                reason = key and duties.credential_reset_refused(request.user, target, key)
                if reason:
                    refused.setdefault(reason, []).append(label)
                else:
                    url = reverse(f"admin:accounts_user_{action}", args=[target.pk])
                    tools.append({"url": url, "label": label})
            extra["account_tools"] = tools
            extra["account_tools_refused"] = [
                f"{'、'.join(labels)}：{reason}" for reason, labels in refused.items()
            ]
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _tool(self, action: str):
        def view(request, object_id):
            target = self.get_object(request, unquote(object_id))
            if target is None or not duties.may_manage_credentials(request.user, target):
                raise PermissionDenied("只有安全管理员可以处理他人的账号凭据。")
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            back = reverse("admin:accounts_user_change", args=[target.pk])
            try:
                if action == "password_reset":
                    temporary = credentials.password_reset(
                        actor=request.user, user=target, request=request
                    )
                    context = {
                        **self.admin_site.each_context(request),
                        "title": f"已重置密码：{target}",
                        "opts": self.opts,
                        "target": target,
                        "temporary": temporary,
                        "back": back,
                    }
                    return TemplateResponse(request, "admin/minyi/password_reset.html", context)
                if action == "unlock":
                    cleared = credentials.account_unlock(
                        actor=request.user, user=target, request=request
                    )
                    self.message_user(request, f"已解除登录锁定（清除 {cleared} 条失败记录）。")
                else:
                    credentials.totp_reset(actor=request.user, user=target, request=request)
                    self.message_user(request, "已重置两步验证，本人下次登录时重新绑定。")
            except credentials.TwoPersonRule as error:
                self.message_user(request, error.message, messages.ERROR)
            except DomainError as error:
                raise PermissionDenied(error.message) from None
            return redirect(back)

        return view


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "user", "actor", "ip")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"
    list_select_related = ("user", "actor")
    show_full_result_count = False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """The admin's own change history (who added, changed or deleted what, when)."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "change")
    # only the types the admin changed (our models, under their Chinese names), not every
    # table a third-party app brought
    list_filter = ("action_flag", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr",)
    date_hierarchy = "action_time"
    list_select_related = ("user", "content_type")
    show_full_result_count = False

    @admin.display(description="修改内容")
    def change(self, entry: LogEntry) -> str:
        return entry.get_change_message()


@admin.register(LoginAttempt)
class LoginAttemptAdmin(MinyiModelAdmin):
    """Failed log-ins still counting towards a lock-out. The security administrator clears
    them (解除锁定: delete); the auditor reads them."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "path_info")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        try:
            credentials.lockout_clear(actor=request.user, attempts=list(queryset), request=request)
        except DomainError as error:
            raise PermissionDenied(error.message) from None


class _ConfirmedFilter(admin.BooleanFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "已启用"


@admin.register(Authenticator)
class AuthenticatorAdmin(MinyiModelAdmin):
    """Authenticators, without their keys. Deleting one is 重置两步验证 for its owner."""

    # django-otp names these fields in English, untranslatable: the admin names them
    list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
    list_filter = (("confirmed", _ConfirmedFilter),)
    search_fields = ("user__username", "user__last_name", "user__first_name")
    fields = list_display
    readonly_fields = fields

    @admin.display(description="用户", ordering="user__username")
    def owner(self, device: Authenticator):
        return device.user

    @admin.display(description="设备名称", ordering="name")
    def device_name(self, device: Authenticator) -> str:
        return device.name

    @admin.display(description="已启用", boolean=True, ordering="confirmed")
    def is_confirmed(self, device: Authenticator) -> bool:
        return device.confirmed

    @admin.display(description="添加时间", ordering="created_at")
    def created(self, device: Authenticator):
        return device.created_at or "—"

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device: Authenticator):
        return device.last_used_at or "—"

    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (
            not duties.may_manage_credentials(request.user, obj.user)
            or duties.credential_reset_refused(request.user, obj.user, "second_factor")
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        try:
            for owner in {device.user for device in queryset}:
                credentials.totp_reset(actor=request.user, user=owner, request=request)
        except DomainError as error:
            raise PermissionDenied(error.message) from None
