"""Seed the throwaway database of the restart test: an operator who signs in, and a deputy with
a mobile number. Run in a subprocess: ``python -m tests.faults.seed`` prints the ids as JSON."""

from __future__ import annotations

import json

import django

OPERATOR = "olivia"
PASSWORD = "Restart-test-2026"


def seed() -> dict:
    from minyi.accounts.models import Role, User
    from minyi.reference.models import RequestType
    from tests.factories import DeputyFactory

    User.objects.create_user(OPERATOR, password=PASSWORD, role=Role.OPERATOR, last_name="欧")
    deputy = DeputyFactory(name="王代表")
    request_type = RequestType.objects.filter(is_report=False).order_by("id").first()
    return {"deputy": deputy.pk, "request_type": request_type.pk}


if __name__ == "__main__":
    django.setup()
    print(json.dumps(seed()))
