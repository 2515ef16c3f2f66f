"""The mark on an order this transaction has just created: the next service may skip the row lock.

A row inserted by a transaction is invisible to every other transaction until it commits, so the
``SELECT … FOR UPDATE`` that every service starts with (``common.lock_order``) can only find it
unchanged: the lock is implied. ``order_create`` marks the instance it returns; the first
service that locks that same instance in that same transaction takes the mark instead of the
lock and works on the instance as it is. The mark is:

- single-use: the service that takes it mutates the instance; a later service (or a retry after
  a failure rolled back to a savepoint) locks and re-reads the row as usual;
- bound to the transaction: it names the connection and ends when the transaction commits
  (``on_commit``). If the transaction rolls back instead, the row it names is gone with it, so a
  mark that outlived its transaction can only reach a row that no longer exists: the service's
  ``save(update_fields=…)`` fails ("did not affect any rows") and nothing is written.

Inside that transaction, change a fresh order only through the services (a queryset ``update``
on it between ``order_create`` and the next service would not be seen by that service).
"""

from __future__ import annotations

from django.db import transaction

_ATTRIBUTE = "_created_in_transaction"


class _Mark:
    __slots__ = ("connection", "live")

    def __init__(self, connection) -> None:
        self.connection, self.live = connection, True

    def end(self) -> None:
        self.live = False


def created_mark(order) -> None:
    """Say that ``order`` was inserted by the current transaction (call right after the INSERT,
    inside the service's atomic block)."""
    connection = transaction.get_connection()
    mark = _Mark(connection)
    setattr(order, _ATTRIBUTE, mark)
    transaction.on_commit(mark.end, robust=True)


def created_take(order) -> bool:
    """True once, for an instance this transaction created and no service has used since."""
    mark = order.__dict__.pop(_ATTRIBUTE, None)
    if mark is None or not mark.live:
        return False
    connection = transaction.get_connection()
    return mark.connection is connection and connection.in_atomic_block
