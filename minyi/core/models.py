from django.db import models
from django_tasks_db.models import DBTaskResult


class HousekeepingRun(models.Model):
    """One row per month the housekeeping ran: the scheduler offers it daily, it runs once."""

    month = models.CharField("月份", max_length=7, unique=True, help_text="如 2026-11")
    at = models.DateTimeField("执行时间")
    summary = models.JSONField("清理结果", default=dict)

    class Meta:
        verbose_name = "月度清理记录"
        verbose_name_plural = "月度清理记录"
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month


class BackgroundTask(DBTaskResult):
    """django-tasks' result rows (SMS sends, SLA scans), named in Chinese for the admin."""

    class Meta:
        proxy = True
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
