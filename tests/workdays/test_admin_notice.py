"""An administrator pastes the State Council's notice for a year into the admin."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role, User
from minyi.workdays.models import CalendarChange, CalendarYear, SpecialDay

pytestmark = pytest.mark.django_db

NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
2027-01-01..2027-01-03 放假 元旦
2027-02-05..2027-02-11 放假 春节
2027-02-20 上班 春节调休
"""


@pytest.fixture
def ada(admin_client):
    return User.objects.get(username="ada")


def test_the_notice_replaces_the_provisional_year_and_marks_it_official(client, ada):
    response = client.post(
        "/admin/workdays/calendaryear/publish/",
        {"year": 2027, "source": "国办发明电〔2026〕1号", "official": "on", "text": NOTICE_2027},
    )

    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.is_official and year.source == "国办发明电〔2026〕1号"
    assert SpecialDay.objects.filter(date__year=2027).count() == 11
    assert SpecialDay.objects.get(date="2027-02-20").kind == "workday"
    assert not SpecialDay.objects.filter(date="2027-10-01").exists()
    assert CalendarChange.objects.filter(actor=ada).count() == 1


def test_a_bad_line_is_explained_and_nothing_changes(client, ada):
    before = list(SpecialDay.objects.filter(date__year=2027).values_list("date", "kind"))

    response = client.post(
        "/admin/workdays/calendaryear/publish/",
        {"year": 2027, "official": "on", "text": "2027-01-01 放假 元旦\n2027-13-01 放假 错误"},
    )

    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert list(SpecialDay.objects.filter(date__year=2027).values_list("date", "kind")) == before
    assert CalendarYear.objects.get(year=2027).status == "provisional"


def test_a_day_outside_the_year_is_refused(client, ada):
    response = client.post(
        "/admin/workdays/calendaryear/publish/", {"year": 2027, "text": "2028-01-01 放假 元旦"}
    )

    assert "不在 2027 年内" in response.content.decode()
    assert not CalendarChange.objects.exists()


def test_a_dispatcher_cannot_open_the_notice_form(client):
    dan = User.objects.create_user("dan", role=Role.DISPATCHER, is_staff=True)
    client.force_login(dan)

    response = client.post(
        "/admin/workdays/calendaryear/publish/", {"year": 2027, "text": NOTICE_2027}
    )

    assert response.status_code == 403
    assert CalendarYear.objects.get(year=2027).status == "provisional"
