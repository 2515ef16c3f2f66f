"""The statistics pages' filters (统计筛选): the ledger's GET parameter names, so a page's own
query string clicks through to the ledger unchanged (``stats.Selection.params``)."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from minyi.core import clock, timefmt
from minyi.ledger import stats
from minyi.ledger.filters import SelectionForm

# the longest period a page counts, and the window it shows when no period is chosen
MAX_SPAN = timedelta(days=3 * 366)
DEFAULT_DAYS = 30


class StatsFilterForm(SelectionForm):
    """The shared filters (minyi.ledger.filters.SelectionForm) and the longest period."""

    def __init__(self, *args, fields: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and (end or timefmt.local(clock.now()).date()) - start > MAX_SPAN:
            # every bucket of the charts is counted and linked: a century would be a long page
            raise forms.ValidationError("统计时段最长三年，请缩短日期范围。")
        return data

    def selection(self) -> tuple[stats.Selection, bool]:
        """The selection the form asks for, and whether its period was chosen (False: the
        default window, the last 30 days)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        chosen = True
        if data.get("month"):
            period, month = stats.Period.month(data["month"]), True
        elif data.get("date_from") or data.get("date_to"):
            today = timefmt.local(clock.now()).date()
            start = data.get("date_from") or (data["date_to"] - timedelta(days=DEFAULT_DAYS - 1))
            period, month = stats.Period(start, data.get("date_to") or today), False
        else:
            today = timefmt.local(clock.now()).date()
            period, month, chosen = (
                stats.Period(today - timedelta(days=DEFAULT_DAYS - 1), today),
                False,
                False,
            )
        selection = stats.Selection(
            channel=data.get("channel") or "",
            level=data.get("level") or "",
            region=data["region"].pk if data.get("region") else None,
            department=data["department"].pk if data.get("department") else None,
            category=data["category"].pk if data.get("category") else None,
        ).with_period(period, month=month)
        return selection, chosen
