"""The ledger's pages under /work/: the ledger, its exports and the export jobs."""

from django.urls import path

from minyi.ledger import views

urlpatterns = [
    path("ledger/", views.ledger_page, name="work-ledger"),
    path("ledger/counts/", views.ledger_counts, name="ledger-counts"),
    path("ledger/export/", views.ledger_export, name="ledger-export"),
    path("exports/<uuid:job_id>/", views.export_job_page, name="ledger-export-job"),
    path(
        "exports/<uuid:job_id>/download/",
        views.export_job_download,
        name="ledger-export-download",
    ),
]
