from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minyi.core"
    label = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        # The admin has loaded every admin module by now (django.contrib.admin comes first).
        from django.conf import settings
        from django.contrib.admin.sites import all_sites

        from minyi.core.forms import harden_admin
        from minyi.core.logfilters import guard_server_loggers

        harden_admin(all_sites)
        # the server (uvicorn) configured its loggers before importing the app: filter them,
        # and write them in the app's format
        guard_server_loggers(json=settings.LOG_FORMAT == "json")
