"""`manage.py import_deputies FILE` and `manage.py export_deputies FILE`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from minyi.deputies.models import Deputy, Mandate
from tests.deputies.conftest import GOOD, write_csv, write_xlsx
from tests.deputies.test_import import BAD, registry

pytestmark = pytest.mark.django_db


def test_importing_prints_the_counts(tmp_path, congresses, stations, capsys):
    call_command("import_deputies", str(write_xlsx(tmp_path / "名单.xlsx", GOOD)))

    assert capsys.readouterr().out.startswith("新增 2 人、新增代表资格 4 个、更新 0 个")
    assert Mandate.objects.count() == 4


def test_a_bad_file_prints_every_error_and_fails(tmp_path, congresses, capsys):
    with pytest.raises(CommandError, match="共 6 处错误"):
        call_command("import_deputies", str(write_xlsx(tmp_path / "bad.xlsx", BAD)))

    err = capsys.readouterr().err
    for line in (3, 4, 5, 6, 7, 8):
        assert f"第 {line} 行：" in err
    assert not Deputy.objects.exists()


def test_the_command_exits_non_zero_on_failure(tmp_path, congresses):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(
        ["manage.py", "import_deputies", str(write_xlsx(tmp_path / "bad.xlsx", BAD))]
    )
    with pytest.raises(SystemExit) as exit_:
        utility.execute()

    assert exit_.value.code != 0


def test_a_dry_run_saves_nothing(tmp_path, congresses, stations, capsys):
    call_command("import_deputies", str(write_csv(tmp_path / "名单.csv", GOOD)), "--dry-run")

    assert "校验通过（未保存）" in capsys.readouterr().out
    assert not Deputy.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_deputies", str(tmp_path / "none.xlsx"))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_an_export_reimports_unchanged(tmp_path, congresses, stations, capsys, suffix):
    call_command("import_deputies", str(write_xlsx(tmp_path / "名单.xlsx", GOOD)))
    before = registry()
    target = tmp_path / f"导出.{suffix}"

    call_command("export_deputies", str(target))
    call_command("import_deputies", str(target))

    out = capsys.readouterr().out
    assert "已导出 4 行" in out
    assert out.strip().splitlines()[-1].startswith("新增 0 人、新增代表资格 0 个、更新 0 个")
    assert registry() == before


def test_the_export_format_comes_from_the_extension(tmp_path):
    with pytest.raises(CommandError, match="无法从扩展名判断格式"):
        call_command("export_deputies", str(tmp_path / "a.txt"))
