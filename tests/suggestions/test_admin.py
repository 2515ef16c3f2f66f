"""The system administrator sets the reply limits in the admin: one row, at most six months."""

from __future__ import annotations

import pytest

from minyi.suggestions.models import SuggestionPolicy

pytestmark = pytest.mark.django_db


def test_the_policy_row_exists_with_the_defaults():
    policy = SuggestionPolicy.objects.get()

    assert (policy.reply_months, policy.second_reply_months, policy.warn_days) == (3, 1, 7)


def test_the_administrator_changes_the_limit_but_never_beyond_six_months(admin_client):
    policy = SuggestionPolicy.objects.get()
    url = f"/admin/suggestions/suggestionpolicy/{policy.pk}/change/"

    refused = admin_client.post(
        url, {"reply_months": "7", "second_reply_months": "1", "warn_days": "7"}
    )
    assert refused.status_code == 200 and "期限最长 6 个月。" in refused.content.decode()
    done = admin_client.post(
        url, {"reply_months": "6", "second_reply_months": "2", "warn_days": "10"}
    )

    assert done.status_code == 302
    policy.refresh_from_db()
    assert (policy.reply_months, policy.second_reply_months, policy.warn_days) == (6, 2, 10)
    assert admin_client.get("/admin/suggestions/suggestionpolicy/add/").status_code == 403


def test_a_workbench_role_cannot_open_it(client, lin):
    client.force_login(lin)

    response = client.get("/admin/suggestions/suggestionpolicy/")

    assert response.status_code in (302, 403)
