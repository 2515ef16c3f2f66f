from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from minyi.core.views import healthz

admin.site.site_header = "民意直通 管理后台"
admin.site.site_title = "民意直通"
admin.site.index_title = "基础数据与工单管理"

# Chinese pages, or the API's JSON error shape under /api/ (minyi/core/error_views.py)
handler400 = "minyi.core.error_views.bad_request"
handler403 = "minyi.core.error_views.permission_denied"
handler404 = "minyi.core.error_views.page_not_found"
handler500 = "minyi.core.error_views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/orders/", include("minyi.workbench.api_urls")),
    path("api/orders/", include("minyi.orders.api_urls")),
    path("api/cti/", include("minyi.calls.urls")),
    path("console/", include("minyi.console.urls")),
    path("work/", include("minyi.workbench.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("minyi.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
