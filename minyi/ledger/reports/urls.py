"""``/work/reports/``: the monthly reports (liaison officers)."""

from django.urls import path, re_path

from minyi.ledger.reports import views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("generate/", views.report_generate, name="report-generate"),
    re_path(r"^(?P<period>\d{4}-\d{2})/$", views.report_detail, name="report-detail"),
    re_path(r"^(?P<period>\d{4}-\d{2})/cases/$", views.case_pick, name="report-case-pick"),
    re_path(
        r"^(?P<period>\d{4}-\d{2})/cases/remove/$", views.case_remove, name="report-case-remove"
    ),
    re_path(
        r"^(?P<period>\d{4}-\d{2})\.(?P<kind>xlsx|pdf)$",
        views.report_download,
        name="report-download",
    ),
]
