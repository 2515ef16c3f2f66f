"""The hot issues' filters: the statistics' (``StatsFilterForm``: the ledger's GET parameter
names, the longest period, the last 30 days by default), every channel unless one is chosen."""

from __future__ import annotations

from django.http import QueryDict

from minyi.ledger import stats
from minyi.ledger.stats_forms import StatsFilterForm

FIELDS = ("month", "date_from", "date_to", "channel", "level", "region", "department", "category")


class HotFilterForm(StatsFilterForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fields", FIELDS)
        super().__init__(*args, **kwargs)

    @staticmethod
    def params(query: QueryDict) -> QueryDict:
        """The request's parameters, with every channel when none is named (the hot issues group
        the orders of every channel; ``channel=`` alone still picks the deputy channels)."""
        params = query.copy()
        if "channel" not in params:
            params["channel"] = stats.ALL_CHANNELS
        return params
