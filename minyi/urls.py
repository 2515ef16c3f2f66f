from django.contrib import admin
from django.urls import include, path

from minyi.core.api_docs import SchemaView, docs
from minyi.core.metrics_view import metrics
from minyi.core.views import healthz, readyz

# Chinese pages, or the API's JSON error shape under /api/ (minyi/core/error_views.py)
handler400 = "minyi.core.error_views.bad_request"
handler403 = "minyi.core.error_views.permission_denied"
handler404 = "minyi.core.error_views.page_not_found"
handler500 = "minyi.core.error_views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Prometheus: the loopback without proxy headers, or the token; a 404 to anyone else
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("account/", include("minyi.accounts.urls")),
    path("api/orders/", include("minyi.workbench.api_urls")),
    path("api/orders/", include("minyi.orders.api_urls")),
    path("api/cti/", include("minyi.calls.urls")),
    path("api/public/", include("minyi.mashang.api_urls")),
    path("console/", include("minyi.console.urls")),
    # 重复诉求并单: the duplicate panels of the console and the dispatch page (minyi/intake)
    path("intake/", include("minyi.intake.urls")),
    path("work/notices/", include("minyi.notify.urls")),
    path("work/suggestions/", include("minyi.suggestions.urls")),
    # 线索库 and 专业小组 (issue 12): the liaison officer's pages and a group deputy's
    path("work/clues/", include("minyi.clues.urls")),
    # 码上找代表, the staff side: a deputy's, a station's, the liaison body's messages
    path("work/messages/", include("minyi.mashang.station_urls")),
    path("work/messages/", include("minyi.mashang.staff_urls")),
    # 月度报告 (issue 11): /work/reports/
    path("work/reports/", include("minyi.ledger.reports.urls")),
    # 统计分析, 部门考核, 代表履职 (issue 11, the liaison officer's)
    path("work/stats/", include("minyi.ledger.stats_urls")),
    # 热点问题 (issue 12, the liaison officer's and the dispatcher's)
    path("work/hot/", include("minyi.hotissues.urls")),
    # routing hints' accuracy and the form panels (issue 12)
    path("work/hints/", include("minyi.hints.urls")),
    # the ledger (工作台账) and its exports: /work/ledger/, /work/exports/<uuid>/
    path("work/", include("minyi.ledger.urls")),
    path("work/", include("minyi.workbench.urls")),
    # 码上找代表's public pages: no log-in (minyi/mashang/views.py)
    path("m/", include("minyi.mashang.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", docs, name="api-docs"),
    path("", include("minyi.core.urls")),
]

# Nothing serves MEDIA_ROOT, in DEBUG neither: stored files leave only through the download view
# after the visibility check (workbench.detail_views.attachment_download).
