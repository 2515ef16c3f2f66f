from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minyi.core.readiness import readiness_report


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` when the database answers, else 503 ``{"status": "error"}``:
    a stable contract for the load balancer, naming nothing about the stack."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """For monitoring and deploys: the database, the background processes' heartbeats and the
    outbox (minyi/core/readiness.py); 503 with the reasons when anything is stale."""
    ready, report = readiness_report()
    return JsonResponse(
        report, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def home(request: HttpRequest):
    """``/`` (where a log-in lands): each role on its own queue, an administrator on the
    admin; the page itself only for a visitor, or an account without a role."""
    from minyi.workbench.list_selectors import HOME_BY_ROLE, PATH_HOME_BY_ROLE

    user = request.user
    if user.is_authenticated:
        if user.role in HOME_BY_ROLE:
            return redirect(HOME_BY_ROLE[user.role])
        if user.role in PATH_HOME_BY_ROLE:
            return redirect(PATH_HOME_BY_ROLE[user.role])
        if user.is_administrator:
            return redirect("admin:index")
    return render(request, "core/home.html")
