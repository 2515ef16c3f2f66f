"""The admin is for administrators, each within their duties (issue 8, 等保 三权分立).

Every URL of every registered ModelAdmin, our custom admin views and the site's own pages,
for every role: the workbench roles are refused all of them; each administrator gets exactly
what ``accounts/duties.py`` gives their role. A new ModelAdmin or admin view without a duty
makes these tests fail."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from minyi.accounts.duties import ADD, CHANGE, DELETE, DUTIES, VIEW
from minyi.accounts.models import Role, User
from minyi.accounts.services.users import AccountRefused
from tests.adminsite.conftest import (
    ADMIN_ROLES,
    NON_ADMIN_ROLES,
    custom_urls,
    login_as,
    model_urls,
    site_urls,
)

pytestmark = pytest.mark.django_db

# What each custom admin view needs: a model's action, "reveal" (the personal data of that
# model, logged) or "credentials" (the security administrator, on someone else's account).
CUSTOM = {
    "deputies_deputy_import": ("deputies.deputy", CHANGE),
    "deputies_deputy_template": ("deputies.deputy", VIEW),
    "deputies_deputy_export": ("deputies.deputy", "reveal"),
    "workdays_calendaryear_publish": ("workdays.calendaryear", CHANGE),
    "accounts_user_password_reset": ("accounts.user", "credentials"),
    "accounts_user_unlock": ("accounts.user", "credentials"),
    "accounts_user_totp_reset": ("accounts.user", "credentials"),
}
REVEALS = {
    "orders.workorder": {Role.ADMIN},
    "deputies.deputy": {Role.ADMIN},
    "accounts.user": {Role.ADMIN},
}
POST_ONLY = ("_reveal", "_password_reset", "_unlock", "_totp_reset")


def _all_urls(world) -> dict[str, str]:
    urls = {**site_urls(), **custom_urls(world)}
    for model in admin.site._registry:
        row = world.rows[model._meta.label_lower]
        for page, url in model_urls(model, row.pk).items():
            urls[f"{model._meta.label_lower}:{page}"] = url
    return urls


def test_every_registered_model_has_a_duty_and_the_table_names_no_other():
    registered = {model._meta.label_lower for model in admin.site._registry}
    inlines = {
        inline.model._meta.label_lower
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    viewable = {
        label for duties in DUTIES.values() for label, acts in duties.items() if VIEW in acts
    }
    named = {label for duties in DUTIES.values() for label in duties}

    assert registered - viewable == set(), "registered in the admin but nobody's duty"
    assert named - registered - inlines == set(), "in the duty table but not in the admin"
    assert set(DUTIES) == set(ADMIN_ROLES)


def test_every_custom_admin_view_has_a_duty(world):
    named = set(custom_urls(world))
    reveal = {name for name in named if name.endswith("_reveal")}

    assert named - reveal == set(CUSTOM)
    assert {name.removesuffix("_reveal") for name in reveal} == {
        label.replace(".", "_") for label in REVEALS
    }


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_a_workbench_role_is_refused_every_admin_page(client, world, role):
    client, _ = login_as(client, role)

    for name, url in _all_urls(world).items():
        assert client.get(url).status_code == 403, name
        assert client.post(url).status_code == 403, name


def test_an_anonymous_visitor_is_sent_to_the_one_log_in_page(client, world):
    for name, url in _all_urls(world).items():
        response = client.get(url, follow=True)
        assert response.redirect_chain, name
        assert response.redirect_chain[-1][0].startswith("/login/?next="), name


def test_a_deactivated_administrator_is_refused(client, world):
    client, ada = login_as(client, Role.ADMIN)
    User.objects.filter(pk=ada.pk).update(is_active=False)

    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/reference/region/").status_code in (302, 403)
    assert not ada.__class__.objects.get(pk=ada.pk).has_perm("reference.view_region")


def test_staff_and_superuser_flags_open_nothing(client, world):
    """The old way in: is_staff with view permissions through a group (the demo's 工作人员)."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="工作人员")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    staff = User.objects.create_user("vic", role=Role.LIAISON, is_staff=True)
    staff.groups.add(group)
    client.force_login(staff)

    assert not staff.has_perm("orders.view_workorder")
    assert client.get(f"/admin/orders/workorder/{world.order.pk}/change/").status_code == 403


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_an_administrator_can_do_exactly_their_duties(client, world, role):
    client, user = login_as(client, role)
    request = RequestFactory().get("/admin/")
    request.user = user
    duties = DUTIES[role]

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        expected = duties.get(label, frozenset())
        granted = {act for act, ok in model_admin.get_model_perms(request).items() if ok}
        assert granted == set(expected), label

        urls = model_urls(model, world.rows[label].pk)
        for page, needs in (
            ("changelist", VIEW),
            ("add", ADD),
            ("change", VIEW),
            ("delete", DELETE),
            ("history", VIEW),
        ):
            status = client.get(urls[page]).status_code
            assert status == (200 if needs in expected else 403), (label, page, status)
        if VIEW in expected:
            page = client.get(urls["change"]).content.decode()
            assert ('name="_save"' in page) == (CHANGE in expected), label


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_an_administrator_reaches_exactly_the_custom_views_of_their_duties(client, world, role):
    client, user = login_as(client, role)
    duties = DUTIES[role]

    for name, url in custom_urls(world).items():
        if name.endswith("_reveal"):
            label = next(label for label in REVEALS if name == f"{label.replace('.', '_')}_reveal")
            allowed = role in REVEALS[label]
        else:
            label, needs = CUSTOM[name]
            if needs == "reveal":
                allowed = role in REVEALS[label]
            elif needs == "credentials":
                allowed = role == Role.SECURITY
            else:
                allowed = needs in duties.get(label, ())
        if name.endswith(POST_ONLY):
            status = client.post(url).status_code
            assert (status in (200, 302)) == allowed, (name, status)
            assert client.get(url).status_code == (405 if allowed else 403), name
        else:
            status = client.get(url).status_code
            assert status == (200 if allowed else 403), (name, status)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_the_site_pages_follow_the_duties(client, world, role):
    client, _ = login_as(client, role)
    apps = {label.split(".")[0] for label in DUTIES[role]}

    assert client.get("/admin/").status_code == 200
    policy = client.get("/admin/security-policy/").status_code
    assert policy == (200 if role in (Role.SECURITY, Role.AUDIT) else 403)
    assert client.get("/admin/password_change/")["Location"] == "/account/password/"
    for name, url in site_urls().items():
        if name.startswith("app:"):
            expected = 200 if name.removeprefix("app:") in apps else 404
            assert client.get(url).status_code == expected, name


def test_a_view_only_duty_refuses_a_forged_save(client, world):
    client, _ = login_as(client, Role.ADMIN)
    order = world.order
    title = order.title

    response = client.post(f"/admin/orders/workorder/{order.pk}/change/", {"title": "改掉"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.title == title


def test_the_audit_administrator_changes_nothing(client, world):
    client, auditor = login_as(client, Role.AUDIT)
    request = RequestFactory().get("/admin/")
    request.user = auditor

    for model, model_admin in admin.site._registry.items():
        perms = model_admin.get_model_perms(request)
        assert not (perms["add"] or perms["change"] or perms["delete"]), model._meta.label
    with pytest.raises(AccountRefused):
        from minyi.accounts.services.credentials import password_reset

        password_reset(actor=auditor, user=world.rows["accounts.user"])
