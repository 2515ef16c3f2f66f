"""Django's and axes' authentication signals, turned into audit rows.

Log-in, log-out and failures are announced by django.contrib.auth wherever they happen (our
log-in page, the API's session, a test client), and lock-outs by axes; these receivers only
pass them to the audit service. (DESIGN §7 keeps side effects out of model signals; these
are the framework's own events about a request, the one place they can be caught.)"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from minyi.accounts import gate
from minyi.accounts.services import audit


@receiver(user_logged_in, dispatch_uid="minyi_login_recorded")
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        gate.session_started(request, user)
    audit.login_recorded(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="minyi_logout_recorded")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "minyi_logout_reason", "")
        audit.logout_recorded(user=user, request=request, reason=reason)


@receiver(user_login_failed, dispatch_uid="minyi_login_failure_recorded")
def _login_failed(sender, credentials, request=None, minyi_page="", **kwargs):
    # minyi_page: sent by accounts.services.credentials.password_confirm (a signed-in user's
    # wrong current password), so the row says where the password was tried
    audit.login_failure_recorded(
        username=credentials.get("username", ""), request=request, page=minyi_page
    )


@receiver(user_locked_out, dispatch_uid="minyi_lockout_recorded")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.lockout_recorded(username=username or "", request=request)
