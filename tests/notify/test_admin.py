"""Administrators edit the texts; unknown placeholders are refused, a preview shows the result."""

import pytest

from minyi.notify.admin import MessageTemplateForm
from minyi.notify.models import MessageTemplate

pytestmark = pytest.mark.django_db


def form_for(code, body):
    template = MessageTemplate.objects.get(code=code)
    data = {
        "code": code,
        "name": template.name,
        "channel": template.channel,
        "body": body,
        "provider_template_code": "",
        "is_active": True,
    }
    return MessageTemplateForm(data, instance=template)


def test_the_form_accepts_the_placeholders_the_rule_provides():
    form = form_for("order_rejected", "工单{number}不予受理：{reason}（{basis}）")
    assert form.is_valid(), form.errors
    form.save()
    assert MessageTemplate.objects.get(code="order_rejected").body.startswith("工单{number}")


def test_the_form_refuses_an_unknown_placeholder():
    form = form_for("order_accepted", "您好{name}，工单{number}已受理")
    assert not form.is_valid()
    assert "未知的占位符：{name}" in form.errors["body"][0]


def test_the_form_refuses_a_placeholder_another_template_has_but_this_one_does_not():
    assert not form_for("order_accepted", "{number} 理由 {reason}").is_valid()


def test_the_form_refuses_attribute_access_and_unbalanced_braces():
    assert not form_for("order_accepted", "{number.__class__}").is_valid()
    assert not form_for("order_accepted", "工单{number").is_valid()


def test_the_admin_page_shows_a_preview_with_sample_values(admin_client):
    template = MessageTemplate.objects.get(code="order_accepted")
    response = admin_client.get(f"/admin/notify/messagetemplate/{template.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "12345-20260302-000123" in page and "小区门口占道经营" in page


def test_saving_through_the_admin_refuses_an_unknown_placeholder(admin_client):
    template = MessageTemplate.objects.get(code="reply_ready")
    response = admin_client.post(
        f"/admin/notify/messagetemplate/{template.pk}/change/",
        {"name": template.name, "channel": "sms", "body": "{phone} 已答复", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "未知的占位符" in response.content.decode()
    template.refresh_from_db()
    assert "{phone}" not in template.body
