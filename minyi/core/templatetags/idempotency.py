"""``{% idempotency_key %}``: the hidden key of a state-changing form written by hand in a
template (a Django form derives from ``minyi.core.idempotency.KeyedForm`` instead)."""

from django import template
from django.utils.html import format_html

from minyi.core.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
