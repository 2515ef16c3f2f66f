from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from minyi.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("account/", include("minyi.accounts.urls")),
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
