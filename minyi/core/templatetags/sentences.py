"""``{{ text|clause }}``: a sentence without its closing mark, for a page that joins it with ；."""

from django import template

from minyi.core.sentences import clause as _clause

register = template.Library()


@register.filter
def clause(value):
    return _clause(value) if isinstance(value, str) else value
