"""Review (rev-qa): every template's admin page opens (issue 12 added order_merged)."""

import pytest

from minyi.notify.models import MessageTemplate
from minyi.notify.rules import TEMPLATE_PARAMS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["order_merged", "suggestion_assigned_handler"])
def test_the_admin_page_of_an_issue_12_template_opens(admin_client, code):
    template = MessageTemplate.objects.get(code=code)
    response = admin_client.get(f"/admin/notify/messagetemplate/{template.pk}/change/")
    assert response.status_code == 200


def test_every_placeholder_a_rule_provides_has_a_name_and_a_sample():
    from minyi.notify import texts

    missing = {c: set(p) - set(texts.PLACEHOLDER_NAMES) for c, p in TEMPLATE_PARAMS.items()}
    assert {c: m for c, m in missing.items() if m} == {}
