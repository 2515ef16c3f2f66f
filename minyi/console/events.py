"""Server-sent events for the console (django-eventstream, under ASGI).

Channels: ``operators`` (a ring with no agent, or an agent we cannot map, goes to every
operator) and ``operator-<user id>`` (a ring for one operator's extension). A signed-in operator
listens to both; nobody else may listen at all.
"""

from __future__ import annotations

from django_eventstream.channelmanager import DefaultChannelManager

from minyi.accounts.models import Role
from minyi.calls.notify import ALL_OPERATORS, operator_channel
from minyi.core.access import has_role


class OperatorChannels(DefaultChannelManager):
    def get_channels_for_request(self, request, view_kwargs):
        user = request.user
        if not has_role(user, Role.OPERATOR):
            return set()
        return {ALL_OPERATORS, operator_channel(user.pk)}

    def can_read_channel(self, user, channel):
        if user is None or not has_role(user, Role.OPERATOR):
            return False
        return channel in (ALL_OPERATORS, operator_channel(user.pk))

    def is_channel_reliable(self, channel):
        # A ring is only worth showing while the phone rings; no replay from storage.
        return False
