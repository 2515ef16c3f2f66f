from django.conf import settings
from django.db import models
from django.db.models import Q
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


class ProcessKind(models.TextChoices):
    WORKER = "worker", "后台任务进程（db_worker）"
    SCHEDULER = "scheduler", "定时任务进程（scheduler）"


class ProcessHeartbeat(models.Model):
    """One row per background process, rewritten by the process's own loop every few seconds
    (minyi/core/heartbeats.py); /readyz reads the newest beat of each kind."""

    kind = models.CharField("进程类型", max_length=16, choices=ProcessKind.choices)
    name = models.CharField("进程标识", max_length=100, help_text="db_worker 的 worker id 等")
    host = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"
        ordering = ["-beat_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="heartbeat_one_row_per_process")
        ]
        indexes = [models.Index(fields=["kind", "-beat_at"], name="heartbeat_newest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.host}:{self.pid}"


class BackgroundTask(DBTaskResult):
    """django-tasks' result rows (SMS sends, SLA scans), named in Chinese for the admin."""

    class Meta:
        proxy = True
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"

    def __str__(self) -> str:  # django-tasks-db's own reads "BackgroundTask object (<uuid>)"
        return f"{self.task_name}（{self.get_status_display()}）"


class IdempotencyKey(models.Model):
    """One submitted form (or API request with an ``Idempotency-Key`` header) that changed
    something, and what it answered. A repeat of the same key by the same user is answered from
    ``result`` instead of acting again (minyi/core/idempotency.py). Pruned by the monthly
    housekeeping after ``IDEMPOTENCY_KEEP_DAYS``. ``user`` is empty for a visitor who is not
    signed in (a citizen's 码上找代表 form or public API call): the random key alone is theirs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="用户",
        null=True,
        blank=True,
    )
    key = models.UUIDField("提交标识")
    scope = models.CharField(
        "操作", max_length=200, help_text="如 order 12345-20261122-000123 dispatch"
    )
    fingerprint = models.CharField("内容摘要", max_length=64, blank=True)
    result = models.JSONField("结果", default=dict)
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "重复提交标识"
        verbose_name_plural = "重复提交标识"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
            # NULLs are distinct in the constraint above: a visitor's key is unique on its own
            models.UniqueConstraint(
                fields=["key"], condition=Q(user__isnull=True), name="idempotency_key_once_visitor"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_age")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
