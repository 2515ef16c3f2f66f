"""Review: a deputy whose mandate ended keeps reading and writing the group's clues."""

from __future__ import annotations

import pytest

from minyi.deputies.models import Deputy

pytestmark = pytest.mark.django_db


def test_a_former_deputy_no_longer_reads_the_groups_clue(client, wang, clue):
    Deputy.objects.filter(pk=wang.deputy_id).update(is_active=False)  # mandate_end's effect
    client.force_login(wang)

    assert client.get(f"/work/clues/{clue.pk}/").status_code == 404
    assert clue.title not in client.get("/work/clues/mine/").content.decode()
