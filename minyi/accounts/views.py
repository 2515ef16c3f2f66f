"""Signing in and out, changing one's password, enrolling and using the second factor.

Thin: each page parses its form and calls a service in ``accounts.services`` (which checks
the policy and writes the audit row); the session's own bookkeeping (verified device, auth
hash) stays here."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from minyi.accounts import gate, lockout
from minyi.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from minyi.accounts.services import credentials
from minyi.accounts.twofactor import key_groups, qr_svg
from minyi.core.errors import DomainError


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a path only: ``redirect("1e309")`` would look the text up as a view name (a 500)
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


login = gate.exempt("password", "two_factor")(LoginView.as_view())
logout = gate.exempt("password", "two_factor")(auth_views.LogoutView.as_view())


@gate.exempt("password")
@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码, for every role; the page a forced change sends people to."""
    user = request.user
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            credentials.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except credentials.AccountLocked as error:
            # no more passwords are tried in this session: it ends, and says why
            gate.end_session(request, "locked")
            request.minyi_locked_message = error.message
            return lockout.locked_response(request, credentials={"username": user.username})
        except DomainError as error:
            field = "old_password" if error.code == "wrong_password" else "new_password1"
            for message in getattr(error, "messages", None) or [error.message]:
                form.add_error(field, message)
        else:
            user.refresh_from_db()
            update_session_auth_hash(request, user)  # stay signed in with the new password
            messages.success(request, "密码已修改。")
            return redirect(_next(request))
    context = {"form": form, "forced": user.password_change_required, "next": _next(request, "")}
    return render(request, "accounts/password_change.html", context, status=_status(form))


@gate.exempt("two_factor", "password")
@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """启用两步验证: scan the QR code (or type the key), then give the first code."""
    user = request.user
    if gate.has_device(user):
        return redirect("account-2fa-verify")
    try:
        device = credentials.totp_enrol_start(user=user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = _code_checked(
            lambda: credentials.totp_enrol_confirm(
                user=user, token=form.cleaned_data["token"], request=request
            ),
            form,
            wrong="验证码不正确或已过期，请输入身份验证器上当前显示的验证码。",
        )
        if confirmed is not None:
            django_otp.login(request, confirmed)
            gate.remember_enrolment(request, True)
            messages.success(
                request, "两步验证已启用。以后每次登录都需要输入身份验证器上的验证码。"
            )
            return redirect(_next(request))
    context = {
        "form": form,
        "qr": qr_svg(device),
        "key": key_groups(device),
        "required": gate.two_factor_required(user),
        "next": _next(request, ""),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=_status(form))


@gate.exempt("two_factor", "password")
@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """两步验证: the code from the authenticator, once per log-in."""
    user = request.user
    if not gate.has_device(user):
        return redirect("account-2fa-setup")
    if user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _code_checked(
            lambda: credentials.totp_verify(
                user=user, token=form.cleaned_data["token"], request=request
            ),
            form,
            wrong="验证码不正确。请输入身份验证器上当前显示的 6 位验证码；连续出错需稍候再试。"
            "如手机丢失，请联系安全管理员重置。",
        )
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
    context = {"form": form, "next": _next(request, "")}
    return render(request, "accounts/two_factor_verify.html", context, status=_status(form))


def _code_checked(check, form, *, wrong: str):
    """The device that accepted the code, or ``None`` with the reason on the form: a wrong
    code, or one tried before the wait after the last wrong one is over."""
    try:
        device = check()
    except credentials.CodeThrottled as error:
        form.add_error("token", error.message)
        return None
    if device is None:
        form.add_error("token", wrong)
    return device


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200
