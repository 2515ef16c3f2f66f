"""Rows written once and never edited: the order ledger, the account audit log and the
personal-data access log are evidence (DESIGN §3, §9).

``AppendOnlyModel`` refuses a second ``save()`` of a row and ``delete()``; its manager's
queryset refuses ``update()`` and ``delete()``. The one way a row leaves is the retention job
(``minyi.core.housekeeping``) calling ``prune()`` on the rows older than the law's minimum —
and only for a log that has a retention at all (the ledger has none: nothing calls it there).
"""

from __future__ import annotations

from django.db import models


def _refuse(model) -> TypeError:
    return TypeError(f"{model._meta.verbose_name}是只增不改的记录（append-only）")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)

    def prune(self) -> int:
        """Delete these rows for retention; returns how many. The housekeeping's only."""
        return super().delete()[0]


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Model.delete() goes through the deletion collector, not the queryset's delete().
        raise _refuse(type(self))
