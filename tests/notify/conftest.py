import pytest


@pytest.fixture
def sms_file(settings, tmp_path):
    """The file backend, writing to a fresh file."""
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "file",
        "FILE_PATH": str(tmp_path / "sms.jsonl"),
    }
    return tmp_path / "sms.jsonl"
