from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from minyi.adminsite.base import MinyiModelAdmin, ReadOnlyAdmin
from minyi.core.models import BackgroundTask, HousekeepingRun


@admin.register(HousekeepingRun)
class HousekeepingRunAdmin(ReadOnlyAdmin):
    list_display = ("month", "at", "summary")


# django-tasks' result list (the SMS sends, the SLA scans): read by the system administrator
# when a background job fails; under our name and through our base like every admin page.
admin.site.unregister(DBTaskResult)


@admin.register(BackgroundTask)
class TaskResultAdmin(MinyiModelAdmin, DBTaskResultAdmin):
    pass
