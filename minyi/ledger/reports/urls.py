"""``/work/reports/``: the monthly reports (liaison officers). A month is ``YYYY-MM``."""

from django.urls import path, register_converter

from minyi.ledger.reports import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "yyyymm")

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("generate/", views.report_generate, name="report-generate"),
    path("<yyyymm:period>/", views.report_detail, name="report-detail"),
    path("<yyyymm:period>/cases/", views.case_pick, name="report-case-pick"),
    path("<yyyymm:period>/cases/remove/", views.case_remove, name="report-case-remove"),
    path("<yyyymm:period>.xlsx", views.report_download, {"kind": "xlsx"}, name="report-xlsx"),
    path("<yyyymm:period>.pdf", views.report_download, {"kind": "pdf"}, name="report-pdf"),
]
