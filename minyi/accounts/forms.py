"""Forms of the account pages, with their messages in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from minyi.core import forms as core


class LoginForm(core.Hardened, AuthenticationForm):
    default_text_max = 128  # the password, which Django leaves unlimited
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class PasswordChangeForm(core.Form):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return cleaned


class TokenForm(core.Form):
    token = forms.CharField(
        label="验证码",
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
                "class": "code",
            }
        ),
        error_messages={
            "required": "请输入身份验证器上显示的 6 位验证码。",
            "min_length": "验证码为 6 位数字。",
            "max_length": "验证码为 6 位数字。",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("验证码为 6 位数字。")
        return token


class PhoneLoginForm(core.Form):
    """代表短信登录: the registered mobile number, then the 6-digit code sent to it. Harmless to
    send twice by nature (a code is asked again, or spent once), so no idempotency key."""

    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}
        ),
        error_messages={"required": "请填写您在人大代表名册中登记的手机号码。"},
    )
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "class": "code",
            }
        ),
    )
