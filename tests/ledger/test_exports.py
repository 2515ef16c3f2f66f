"""Exports of the ledger: the xlsx (rows, header, frozen panes, the summary sheet), the PDF
(Chinese text extractable), streaming in chunks, the privacy rule in files as on the page, and
long exports as jobs run by the worker (progress page, only the owner may download)."""

from __future__ import annotations

import io
import re
import weakref
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.ledger import selectors
from minyi.ledger.exports import services
from minyi.ledger.exports.columns import COLUMNS
from minyi.ledger.filters import LedgerFilterForm
from minyi.ledger.models import ExportJob, ExportState, LedgerRow
from minyi.orders.models import Channel
from tests.factories import DeputyFactory, UserFactory, at, keyed, make_order
from tests.workbench.lists_helpers import liaison_user

pytestmark = pytest.mark.django_db

NOVEMBER = at(2026, 11, 3, 9)


def call(state: str = "accepted", **fields):
    fields.setdefault("channel", Channel.DEPUTY_CALL)
    if fields.get("deputy") is None:
        fields["deputy"] = DeputyFactory()
    fields.setdefault("at", NOVEMBER)
    return make_order(state, **fields)


def export(format: str, params: dict | None = None, user=None) -> bytes:
    form = LedgerFilterForm(params or {})
    assert form.is_valid(), form.errors
    out = io.BytesIO()
    services.export_write(
        out,
        user=user or liaison_user(),
        data=form.cleaned_data,
        format=format,
        now=clock.now(),
    )
    return out.getvalue()


def pdf_text(content: bytes) -> str:
    """The PDF's text without white space (the extraction breaks lines at each font run)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture
def as_lena(client, db):
    lena = liaison_user()
    client.force_login(lena)
    client.lena = lena
    return client


def test_the_xlsx_holds_the_rows_a_styled_frozen_header_and_the_summary(hana):
    wang = DeputyFactory(name="王建华")
    first = call("archived", handler=hana, deputy=wang, title="银田镇路灯不亮")
    second = call("signed", handler=hana, at=NOVEMBER + timedelta(hours=1))
    call("accepted", channel=Channel.CITIZEN_CALL)  # not a deputy channel

    book = load_workbook(io.BytesIO(export("xlsx", {"month": "2026-11"})))

    assert book.sheetnames == ["台账", "汇总"]
    sheet = book["台账"]
    assert sheet.freeze_panes == "B2"
    header = [cell.value for cell in sheet[1]]
    assert header == [column.label for column in COLUMNS]
    assert sheet["A1"].font.bold
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == [second.number, first.number]
    first_row = dict(zip(header, rows[1], strict=True))
    assert first_row["反映代表"] == "王建华" and first_row["诉求摘要"] == "银田镇路灯不亮"
    assert first_row["主办单位"] == "市城市管理和综合执法局" and first_row["当前状态"] == "已归档"
    assert sheet.column_dimensions["A"].width > 15

    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["登记"] == 2 and summary["受理"] == 2 and summary["办结"] == 1
    assert summary["满意率"] == "样本不足"  # one rated order, below the minimum sample
    assert "代表来电" in summary  # the by-channel table


def test_the_pdf_holds_the_chinese_names_the_filter_and_page_numbers(hana):
    call("archived", handler=hana, deputy=DeputyFactory(name="谭萍"), title="韶山冲停车难")

    text = pdf_text(export("pdf", {"month": "2026-11"}))

    for words in ("工作台账", "谭萍", "韶山冲停车难", "代表来电", "2026-11", "第1/1页"):
        assert words in text, words


def test_a_long_pdf_repeats_its_header_on_every_page():
    for i in range(40):
        call(at=NOVEMBER + timedelta(minutes=i))
    reader = PdfReader(io.BytesIO(export("pdf", {"month": "2026-11"})))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = re.sub(r"\s+", "", page.extract_text())
        assert "工单编号" in text and "当前状态" in text
        assert re.search(r"第\d+/\d+页", text)


def test_the_export_streams_in_chunks_and_never_holds_every_row(monkeypatch):
    for i in range(25):
        call(at=NOVEMBER + timedelta(minutes=i))
    monkeypatch.setattr(services, "CHUNK_SIZE", 5)
    sizes, alive = [], weakref.WeakSet()
    original_iterator = type(LedgerRow.objects.all()).iterator

    def iterator(self, chunk_size=None):
        sizes.append(chunk_size)
        return original_iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(type(LedgerRow.objects.all()), "iterator", iterator)
    original_stream, peak = selectors.stream, [0]

    def watched(rows, user, *, chunk_size):
        for row in original_stream(rows, user, chunk_size=chunk_size):
            alive.add(row)
            peak[0] = max(peak[0], len(alive))
            yield row

    monkeypatch.setattr(services, "stream", watched)

    book = load_workbook(io.BytesIO(export("xlsx", {"month": "2026-11"})))

    assert book["台账"].max_row == 26
    assert sizes == [5]
    assert peak[0] <= 10  # at most a chunk read and a chunk written, never the 25


def test_each_pdf_page_is_compressed_when_finished_not_kept_as_text(monkeypatch):
    from minyi.ledger.exports import pdf

    for i in range(30):
        call(at=NOVEMBER + timedelta(minutes=i))
    done = []
    original = pdf.compress_last_page
    monkeypatch.setattr(pdf, "compress_last_page", lambda c: done.append(original(c)))

    text = pdf_text(export("pdf", {"month": "2026-11"}))

    # False here: reportlab's internals have changed, and every page stays in memory as text
    assert len(done) >= 2 and all(done)
    assert "工作台账" in text and "第2/2页" in text


def test_an_anonymous_deputy_is_withheld_in_both_files_as_on_the_page(zhang):
    call(deputy=zhang, is_anonymous=True, title="张三反映银田镇积水")
    # a report (举报): the whistle-blower is masked for the liaison officer, never written out
    call(deputy=DeputyFactory(name="李明"), request_type_code="report", requester_name="赵举报")

    book = load_workbook(io.BytesIO(export("xlsx", {"month": "2026-11"})))
    cells = " ".join(str(v) for row in book["台账"].iter_rows(values_only=True) for v in row if v)
    text = pdf_text(export("pdf", {"month": "2026-11"}))

    for content in (cells, text):
        assert "张三" not in content and "匿名" in content
        assert "〔保密〕反映银田镇积水" in content
        assert "赵举报" not in content  # no requester's name in the ledger at all


def test_a_small_export_downloads_at_once(as_lena, hana):
    call("archived", handler=hana)
    response = as_lena.post("/work/ledger/export/?month=2026-11", keyed(format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["台账"].max_row == 2
    assert not ExportJob.objects.exists()


def test_a_long_export_is_a_job_the_worker_runs_with_a_progress_page(as_lena, settings, client):
    settings.MINYI_LEDGER_EXPORT_INLINE_ROWS = 2
    for i in range(3):
        call(at=NOVEMBER + timedelta(minutes=i))
    body = keyed(format="pdf")

    response = as_lena.post("/work/ledger/export/?month=2026-11", body)
    again = as_lena.post("/work/ledger/export/?month=2026-11", body)  # a double-click

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/exports/{job.pk}/"
    assert again["Location"] == response["Location"]
    assert (job.state, job.rows_total, job.params) == (
        ExportState.QUEUED,
        3,
        {"month": "2026-11"},
    )
    page = as_lena.get(f"/work/exports/{job.pk}/").content.decode()
    assert "排队中" in page and 'hx-trigger="every 2s"' in page and "<progress" in page

    services.export_job_run(job.pk)  # the worker
    services.export_job_run(job.pk)  # a retry: the done job is left alone

    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ExportState.DONE, 3)
    fragment = as_lena.get(f"/work/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "下载文件" in fragment and "hx-trigger" not in fragment
    download = as_lena.get(f"/work/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert "工作台账" in pdf_text(b"".join(download.streaming_content))

    other = UserFactory(username="lin", role=Role.LIAISON)
    client.force_login(other)
    assert client.get(f"/work/exports/{job.pk}/").status_code == 404
    assert client.get(f"/work/exports/{job.pk}/download/").status_code == 404


def test_the_job_runs_through_the_task_and_old_exports_are_swept(as_lena, settings):
    from minyi.ledger.tasks import export_job_run_task

    settings.MINYI_LEDGER_EXPORT_INLINE_ROWS = 0
    call()
    as_lena.post("/work/ledger/export/?month=2026-11", keyed(format="xlsx"))
    job = ExportJob.objects.get()
    export_job_run_task.call(str(job.pk))
    job.refresh_from_db()
    _, path = services.export_path(job)
    assert job.state == ExportState.DONE and path.exists()

    assert services.exports_sweep(now=clock.now() + timedelta(days=6)) == 0
    assert services.exports_sweep(now=clock.now() + timedelta(days=8)) == 1
    assert not path.exists() and not ExportJob.objects.exists()


def test_an_export_post_needs_its_key_and_a_format(as_lena):
    assert as_lena.post("/work/ledger/export/", {"format": "xlsx"}).status_code == 400
    assert as_lena.post("/work/ledger/export/", keyed(format="doc")).status_code == 400
    assert as_lena.post("/work/ledger/export/?month=13", keyed(format="pdf")).status_code == 400


def test_a_handler_may_not_export_the_ledger(client, hana):
    client.force_login(hana)
    assert client.post("/work/ledger/export/", keyed(format="xlsx")).status_code == 403


def test_a_job_whose_worker_died_fails_and_its_half_file_is_swept(settings):
    lena = liaison_user()
    job = ExportJob.objects.create(
        user=lena,
        format="xlsx",
        params={},
        created_at=clock.now(),
        state=ExportState.RUNNING,
        started_at=clock.now(),
    )
    _, path = services.export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    half = path.with_suffix(".xlsx.dead.part")
    half.write_bytes(b"PK")

    # a live worker's job is neither taken over nor failed
    assert services.export_job_run(job.pk).state == ExportState.RUNNING
    services.exports_sweep(now=clock.now() + timedelta(hours=1))
    job.refresh_from_db()
    assert job.state == ExportState.RUNNING

    services.exports_sweep(now=clock.now() + timedelta(hours=3))
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and "请重新导出" in job.error

    assert services.exports_sweep(now=clock.now() + timedelta(days=8)) == 1
    assert not half.exists()
