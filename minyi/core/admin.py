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
    # the package's columns, with ours where it names them in untranslated English
    list_display = tuple(
        {"id": "number", "task_name": "task"}.get(name, name)
        for name in DBTaskResultAdmin.list_display
    )
    list_filter = ("status", "priority")  # one queue (settings.TASKS): nothing to filter by

    def get_readonly_fields(self, request, obj=None):
        return ["number" if f == "id" else f for f in super().get_readonly_fields(request, obj)]

    @admin.display(description="编号", ordering="id")
    def number(self, result: BackgroundTask) -> str:
        return str(result.id)

    @admin.display(description="任务")
    def task(self, result: BackgroundTask) -> str:
        return result.task_name

    @admin.display(description="错误堆栈")
    def formatted_traceback(self, result: BackgroundTask) -> str:
        return super().formatted_traceback(result)

    @admin.display(description="最早执行时间")
    def display_run_after(self, result: BackgroundTask):
        return super().display_run_after(result)
