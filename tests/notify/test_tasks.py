"""After commit, the messages a transaction wrote are queued for the worker in one task; the task
sends each."""

import pytest
from django_tasks_db.models import DBTaskResult

from minyi.notify.models import OutboxMessage
from minyi.notify.tasks import outbox_send_batch_task, outbox_send_task, outbox_sweep_task
from tests.factories import make_order

BATCH_TASK = "minyi.notify.tasks.outbox_send_batch_task"


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_queues_one_send_task_for_all_its_messages(deputy, olivia, sms_file):
    order = make_order("accepted", channel="deputy_call", deputy=deputy, operator=olivia)
    ids = sorted(OutboxMessage.objects.filter(order=order).values_list("id", flat=True))
    assert len(ids) == 2
    [queued] = DBTaskResult.objects.filter(task_path__startswith="minyi.notify")
    assert queued.task_path == BATCH_TASK
    assert sorted(queued.args_kwargs["args"][0]) == ids
    assert outbox_send_batch_task.call(queued.args_kwargs["args"][0]) == "{'sent': 2}"
    assert len(sms_file.read_text().splitlines()) == 2
    assert outbox_send_task.call(ids[0]) == "sent"  # the one-message task still works: no resend
    assert len(sms_file.read_text().splitlines()) == 2


@pytest.mark.django_db(transaction=True)
def test_messages_of_a_savepoint_rolled_back_are_not_sent_the_others_are(deputy, olivia, sms_file):
    from django.db import transaction

    from minyi.orders.services.intake import order_create
    from tests.factories import request_type

    def record(title):
        return order_create(
            channel="deputy_call",
            deputy=deputy,
            request_type=request_type("consult"),
            title=title,
            content="请问如何办理？",
            actor=olivia,
            accept=True,
        )

    with transaction.atomic():
        kept = record("保留的工单")
        try:
            with transaction.atomic():
                record("撤回的工单")
                raise RuntimeError("the operator's second save fails")
        except RuntimeError:
            pass

    [queued] = DBTaskResult.objects.filter(task_path__startswith="minyi.notify")
    ids = queued.args_kwargs["args"][0]
    kept_ids = sorted(OutboxMessage.objects.filter(order=kept).values_list("id", flat=True))
    assert kept_ids and sorted(OutboxMessage.objects.values_list("id", flat=True)) == kept_ids
    assert set(kept_ids) <= set(ids)  # the rolled-back one's ids, if listed, are skipped
    outbox_send_batch_task.call(ids)
    assert len(sms_file.read_text().splitlines()) == len(kept_ids)


@pytest.mark.django_db
def test_nothing_is_queued_before_the_action_commits(olivia):
    make_order("accepted", operator=olivia)  # the test's transaction never commits
    assert OutboxMessage.objects.count() == 1
    assert not DBTaskResult.objects.filter(task_path__startswith="minyi.notify").exists()
    assert "'sent': 1" in outbox_sweep_task.call()  # the sweep sends it (console backend)
    assert OutboxMessage.objects.get().status == "sent"
