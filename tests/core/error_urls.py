"""The project's URLs plus three views that fail, for the error-page tests."""

from django.db import OperationalError
from django.urls import path

from minyi.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def database_away(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("database-away/", database_away),
    path("api/database-away/", database_away),
    *urlpatterns,
]
