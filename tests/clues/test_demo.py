"""The demo shows the clue library: one clue from the largest topic of its orders, given to a
group of the demo deputy, who has written a research note."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from minyi.clues.models import Clue, ClueStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_loads_a_clue_the_demo_deputy_s_group_researches(client):
    from django.contrib.auth import get_user_model

    call_command("demo", orders=40, stdout=StringIO())

    clue = Clue.objects.get()
    deputy = get_user_model().objects.get(username="deputy")
    assert clue.status == ClueStatus.RESEARCHING and clue.links.count() >= 2
    assert clue.group.deputies.filter(pk=deputy.deputy_id).exists()
    client.force_login(deputy)
    assert clue.title in client.get("/work/clues/mine/").content.decode()
