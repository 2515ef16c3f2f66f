from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django_eventstream.apps import DjangoEventstreamConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpAppConfig
from django_tasks.apps import TasksAppConfig
from django_tasks_db.apps import TasksAppConfig as TasksDbAppConfig


class MinyiAdminConfig(AdminConfig):
    """django.contrib.admin with our site as ``admin.site``: every ``@admin.register`` lands
    on the site that admits administrators only."""

    default_site = "minyi.adminsite.site.MinyiAdminSite"


# The third-party apps under Chinese names: the admin's index, its breadcrumbs and the change
# history's filter by type name each app by its ``verbose_name``, which they leave in English
# (or derive from the label: "Axes", "Otp_Totp"). Their field names are translated in
# minyi/locale (their msgids).
class AxesConfig(AxesAppConfig):
    verbose_name = "登录锁定"


class OtpConfig(AppConfig):
    name = "django_otp"
    verbose_name = "两步验证"


class OtpTotpConfig(OtpTotpAppConfig):
    verbose_name = "两步验证（TOTP）"


class TasksConfig(TasksAppConfig):
    verbose_name = "后台任务"


class TasksDbConfig(TasksDbAppConfig):
    verbose_name = "后台任务（数据库队列）"


class EventstreamConfig(DjangoEventstreamConfig):
    verbose_name = "实时推送"
