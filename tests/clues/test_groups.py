"""专业小组 become records: the data migration builds them from the mandates' text, and an
import of the registry adds each deputy to the group its column 专业小组 names; export keeps
writing the text."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from minyi.deputies.models import ProfessionalGroup
from minyi.deputies.registry.columns import COLUMNS
from minyi.deputies.registry.parser import SheetRow
from minyi.deputies.services import deputies_import
from tests.deputies.conftest import GOOD, congresses, stations  # noqa: F401  (fixtures)
from tests.factories import DeputyFactory, MandateFactory

pytestmark = pytest.mark.django_db

MIGRATION = import_module("minyi.deputies.migrations.0008_professional_groups")


def members(name: str) -> set[str]:
    return set(ProfessionalGroup.objects.get(name=name).deputies.values_list("name", flat=True))


def test_the_migration_turns_each_group_text_into_a_group_with_its_deputies(db):
    a = DeputyFactory(name="甲", mandate=None)
    b = DeputyFactory(name="乙", mandate=None)
    c = DeputyFactory(name="丙", mandate=None)
    MandateFactory(deputy=a, professional_group="财政经济")
    MandateFactory(deputy=a, professional_group="城乡建设")
    MandateFactory(deputy=b, professional_group=" 财政经济 ")
    MandateFactory(deputy=c, professional_group="教科文卫", ended_on="2025-01-01")
    MandateFactory(deputy=c, professional_group="")

    MIGRATION.groups_from_mandates(apps, None)

    assert set(ProfessionalGroup.objects.values_list("name", flat=True)) == {"财政经济", "城乡建设"}
    assert members("财政经济") == {"甲", "乙"} and members("城乡建设") == {"甲"}


def test_an_import_adds_each_deputy_to_the_group_its_row_names(congresses, stations):  # noqa: F811
    rows = [
        SheetRow(line=i + 2, values=dict(zip(COLUMNS, r, strict=True))) for i, r in enumerate(GOOD)
    ]
    deputies_import(rows=rows, actor=None)
    named = {r[COLUMNS.index("专业小组")] for r in GOOD} - {""}

    assert set(ProfessionalGroup.objects.values_list("name", flat=True)) == named
    assert "张三" in members("教科文卫")

    deputies_import(rows=rows, actor=None)  # again: no duplicates, nothing removed
    assert ProfessionalGroup.objects.count() == len(named)
