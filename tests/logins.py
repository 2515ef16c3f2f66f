"""Signing in as a test would: the administrators pass the second factor with a device of
their own (the gate sends anyone else to enrol or verify first)."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_of(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试手机", confirmed=True)


def verified_login(client, user):
    """``client`` signed in as ``user`` with the second factor given in this session."""
    device = device_of(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in(client, user):
    """As ``force_login``, with the second factor given for a role that needs one."""
    from minyi.accounts.gate import two_factor_required

    if two_factor_required(user):
        return verified_login(client, user)
    client.force_login(user)
    return client
