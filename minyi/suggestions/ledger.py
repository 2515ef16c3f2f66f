"""代表建议台账: the suggestions of a period (by the Beijing date they were submitted, or with
``figure=`` the date of the counted event, as the statistics page links), a state, a
department; the list and its xlsx share the columns. Read-only."""

from __future__ import annotations

import io
from datetime import timedelta

from django import forms
from django.db.models import QuerySet

from minyi.core import forms as core
from minyi.core import timefmt
from minyi.reference.models import Department
from minyi.suggestions import privacy
from minyi.suggestions.figures import FIGURES, figure_suggestions
from minyi.suggestions.models import Suggestion, SuggestionStatus
from minyi.suggestions.selectors import base
from minyi.workdays.calendar import day_start

EXPORT_LIMIT = 5000
PAGE_LIMIT = 500


class LedgerFilterForm(core.Form):
    date_from = core.DateField(label="提交日期自", required=False)
    date_to = core.DateField(label="至", required=False)
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *SuggestionStatus.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="承办单位",
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="全部",
    )
    # from the statistics page: the suggestions a figure counts, the dates then reading the
    # figure's events (minyi/suggestions/figures.py) rather than the submission
    figure = forms.ChoiceField(
        label="统计事项",
        choices=[("", "全部（按提交日期）"), *FIGURES.items()],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


def ledger_rows(data: dict) -> QuerySet[Suggestion]:
    # the selectors' rows (what the privacy rule reads of each, the order's deputy and their
    # numbers included), with the departments the columns show
    rows = base().prefetch_related("assignments__department")
    if data.get("figure"):
        counted = figure_suggestions(data["figure"], data.get("date_from"), data.get("date_to"))
        rows = rows.filter(pk__in=counted.values("pk"))
    elif data.get("date_from"):
        rows = rows.filter(escalated_at__gte=day_start(data["date_from"]))
    if data.get("date_to") and not data.get("figure"):
        rows = rows.filter(escalated_at__lt=day_start(data["date_to"] + timedelta(days=1)))
    if data.get("state"):
        rows = rows.filter(status=data["state"])
    if data.get("department"):
        rows = rows.filter(assignments__department=data["department"]).distinct()
    return rows.order_by("-escalated_at", "-id")


HEADERS = [
    "编号",
    "标题",
    "来源",
    "领衔代表",
    "提交时间",
    "状态",
    "主办单位",
    "协办单位",
    "答复期限",
    "预警",
    "代表评价",
    "再次答复后评价",
    "办结时间",
]


def ledger_line(user, row: Suggestion) -> list[str]:
    parts = list(row.assignments.all())
    lead = next((p.department.name for p in parts if p.role == "lead"), "")
    assisting = "、".join(p.department.name for p in parts if p.role == "assist")
    person = privacy.person(user, row)
    return [
        row.shown_number,
        person.listed(row.title),
        row.get_source_display(),
        person.deputy_name(row.lead_deputy),
        timefmt.local_text(row.escalated_at),
        row.get_status_display(),
        lead,
        assisting,
        timefmt.day_text(row.due_on) if row.due_on else "",
        row.get_warning_display() if row.warning else "",
        row.get_evaluation_display(),
        row.get_final_evaluation_display(),
        timefmt.local_text(row.closed_at) if row.closed_at else "",
    ]


def ledger_xlsx(user, rows) -> bytes:
    from minyi.core.xlsx import workbook

    out = io.BytesIO()
    book = workbook(out, in_memory=True)
    sheet = book.add_worksheet("代表建议台账")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    for i, row in enumerate(rows[:EXPORT_LIMIT], start=1):
        sheet.write_row(i, 0, ledger_line(user, row))
    sheet.set_column(1, 1, 40)
    book.close()
    return out.getvalue()
