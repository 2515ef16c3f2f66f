"""The personal-data access log keeps who looked: a user who has looked cannot be deleted
(users are deactivated, not deleted), and the log is never edited."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.db.models.deletion import Collector

from minyi.accounts.models import User
from minyi.privacy.models import PersonalDataAccess, Surface
from minyi.privacy.services import personal_data_seen, requester_reveal
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_a_user_who_has_looked_at_personal_data_cannot_be_deleted(dan):
    order = make_order("accepted")
    requester_reveal(user=dan, order=order, surface=Surface.WORKBENCH)

    with pytest.raises(TypeError, match="只能停用，不能删除"):
        dan.delete()
    # and should anything get past the model, the log's foreign key still refuses
    with pytest.raises(ProtectedError):
        Collector(using="default").collect([dan])

    row = PersonalDataAccess.objects.get()
    assert row.user == User.objects.get(pk=dan.pk)


def test_deactivating_keeps_the_name_on_every_row(olivia):
    personal_data_seen(user=olivia, subject="来电 c-1", fields="来电号码", surface=Surface.CONSOLE)
    olivia.is_active = False
    olivia.save(update_fields=["is_active"])

    assert PersonalDataAccess.objects.get().user.username == "olivia"


def test_the_log_is_never_edited(dan):
    row = personal_data_seen(
        user=dan, subject="来电 c-1", fields="来电号码", surface=Surface.CONSOLE
    )

    with pytest.raises(TypeError):
        PersonalDataAccess.objects.filter(pk=row.pk).update(fields="")
    row.fields = ""
    with pytest.raises(TypeError):
        row.save()
