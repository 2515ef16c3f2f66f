"""The statistics policy in the admin: the system administrator sets k, the minimum sample and
the grading weights on its one row; the other administrators and the workbench roles cannot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minyi.accounts.models import Role
from minyi.ledger import grading
from minyi.ledger.models import StatisticsPolicy
from minyi.ledger.stats import Policy
from tests.factories import UserFactory
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

FORM = {
    "basically_weight": "0.5",
    "minimum_sample": "20",
    "weight_sign": "10",
    "weight_return": "0",
    "weight_reply": "30",
    "weight_satisfaction": "30",
    "weight_resolution": "20",
    "weight_redo": "10",
}


def change_url() -> str:
    return f"/admin/ledger/statisticspolicy/{StatisticsPolicy.objects.get().pk}/change/"


def test_the_policy_has_one_row_from_the_start():
    assert StatisticsPolicy.objects.count() == 1
    assert Policy.current() == Policy(basically_weight=Decimal(1), minimum_sample=10)


def test_the_system_administrator_sets_k_the_minimum_sample_and_the_weights(admin_client):
    response = admin_client.post(change_url(), FORM)

    assert response.status_code == 302
    assert Policy.current() == Policy(basically_weight=Decimal("0.5"), minimum_sample=20)
    assert grading.weights_of()["reply"] == 30 and grading.weights_of()["return"] == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"basically_weight": "1.5"}, "0 到 1 之间"),
        ({"minimum_sample": "0"}, "至少为 1"),
        ({f"weight_{w}": "0" for w in grading.GRADED_KEYS}, "不能全为 0"),
    ],
)
def test_a_policy_out_of_bounds_is_refused(admin_client, change, message):
    response = admin_client.post(change_url(), {**FORM, **change})

    assert response.status_code == 200 and message in response.content.decode()
    assert Policy.current().minimum_sample == 10


def test_no_second_row_and_no_delete(admin_client):
    assert admin_client.get("/admin/ledger/statisticspolicy/add/").status_code == 403
    url = change_url().replace("change", "delete")
    assert admin_client.get(url).status_code == 403


def test_the_security_administrator_and_the_liaison_officer_cannot(security_client, client):
    assert security_client.get(change_url()).status_code == 403
    sign_in(client, UserFactory(role=Role.LIAISON))
    assert client.get(change_url()).status_code == 403
