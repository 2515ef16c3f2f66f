"""Authentication by user name and password; permissions from the duty table only.

Django's ModelBackend also grants what groups and per-user permissions hold; here neither
exists: a user's permissions are their role's duties (``accounts/duties.py``)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from minyi.accounts import duties


class DutyBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(duties.permissions_of(user_obj))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj)

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        return any(perm.startswith(prefix) for perm in self.get_all_permissions(user_obj))

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        raise NotImplementedError("permissions come from roles: filter users by role instead")
