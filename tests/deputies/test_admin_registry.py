"""The registry in the admin: import, template, export, and ending mandates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minyi.accounts.models import Role, User
from minyi.core import clock
from minyi.deputies.models import Deputy, Mandate, RegistryChange
from minyi.privacy.models import PersonalDataAccess
from tests.deputies.conftest import GOOD, write_xlsx
from tests.deputies.test_import import BAD
from tests.factories import MONDAY, DeputyFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/deputies/deputy/import/"


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_the_changelist_links_import_template_and_export(admin_client):
    DeputyFactory(name="王代表", phone__number="+8613800138000")

    page = admin_client.get("/admin/deputies/deputy/").content.decode()

    for text in ("导入代表名单", "下载导入模板", "导出代表名单", "138****8000", "市·"):
        assert text in page
    assert "13800138000" not in page


def test_an_administrator_imports_a_file_and_sees_the_counts(
    admin_client, tmp_path, congresses, stations
):
    assert admin_client.get(IMPORT).status_code == 200

    response = admin_client.post(
        IMPORT, {"file": upload(write_xlsx(tmp_path / "名单.xlsx", GOOD))}, follow=True
    )

    assert response.status_code == 200
    assert "导入成功：新增 2 人、新增代表资格 4 个、更新 0 个" in response.content.decode()
    assert Mandate.objects.count() == 4
    assert RegistryChange.objects.get().actor.username == "ada"


def test_a_bad_file_lists_every_error_and_saves_nothing(admin_client, tmp_path, congresses):
    response = admin_client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "b.xlsx", BAD))})

    page = response.content.decode()
    assert response.status_code == 200
    for line in (3, 4, 5, 6, 7, 8):
        assert f"第 {line} 行：" in page
    assert not Deputy.objects.exists()


def test_a_dry_run_in_the_admin_saves_nothing(admin_client, tmp_path, congresses, stations):
    response = admin_client.post(
        IMPORT, {"file": upload(write_xlsx(tmp_path / "a.xlsx", GOOD)), "dry_run": "on"}
    )

    assert "校验通过（未保存）" in response.content.decode()
    assert not Deputy.objects.exists()


def test_a_txt_file_is_refused_with_a_message(admin_client):
    response = admin_client.post(IMPORT, {"file": SimpleUploadedFile("名单.txt", b"abc")})

    assert "只接受 .xlsx 或 .csv 文件" in response.content.decode()


def test_an_oversized_file_is_refused_with_a_message(admin_client):
    big = SimpleUploadedFile("名单.csv", b"x" * (5 * 1024 * 1024 + 1))

    response = admin_client.post(IMPORT, {"file": big})

    assert "文件过大" in response.content.decode()
    assert not RegistryChange.objects.exists()


def test_an_operator_is_refused(client, congresses, tmp_path):
    client.force_login(User.objects.create_user("olga", role=Role.OPERATOR))

    response = client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "a.xlsx", GOOD))})

    assert response.status_code == 403
    assert not Deputy.objects.exists()


def test_the_other_administrators_cannot_import_or_export(security_client, congresses, tmp_path):
    for url in ("/admin/deputies/deputy/", "/admin/deputies/deputy/export/"):
        assert security_client.get(url).status_code == 403
    response = security_client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "a.xlsx", GOOD))})

    assert response.status_code == 403
    assert not Deputy.objects.exists()


def test_the_template_and_the_export_download_as_xlsx(admin_client, congresses):
    DeputyFactory(name="王代表", phone__number="+8613800138000")

    template = admin_client.get("/admin/deputies/deputy/template/")
    export = admin_client.get("/admin/deputies/deputy/export/")
    csv = admin_client.get("/admin/deputies/deputy/export/?format=csv")

    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in template["Content-Disposition"]
    assert export.content[:2] == b"PK"
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("王代表,13800138000,市,")


def test_ending_mandates_from_the_admin_goes_through_the_service(admin_client):
    deputy = DeputyFactory(name="王代表")
    mandate = deputy.mandates.get()
    changelist = "/admin/deputies/mandate/"

    confirm = admin_client.post(
        changelist, {"action": "end_mandates", "_selected_action": [mandate.pk]}
    )
    assert "确认终止" in confirm.content.decode()

    with clock.frozen(MONDAY):
        admin_client.post(
            changelist,
            {
                "action": "end_mandates",
                "_selected_action": [mandate.pk],
                "apply": "1",
                "ended_on": "2026-01-05",
                "reason": "resigned",
            },
        )

    mandate.refresh_from_db()
    deputy.refresh_from_db()
    assert str(mandate.ended_on) == "2026-01-05" and mandate.end_reason == "resigned"
    assert not deputy.is_active
    assert RegistryChange.objects.get(kind="mandate_end").actor.username == "ada"


def test_export_of_the_registry_is_logged_as_a_change_and_as_a_view_of_personal_data(
    admin_client,
):
    response = admin_client.get("/admin/deputies/deputy/export/?include_ended=1")

    assert response.status_code == 200
    assert RegistryChange.objects.get(kind="export").details["include_ended"] is True
    seen = PersonalDataAccess.objects.get()
    assert seen.user.username == "ada" and seen.surface == "admin"
    assert "代表名单导出" in seen.subject and "电话" in seen.fields
