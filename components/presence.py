"""Elements that follow a person's live presence (push binding to the presence store; gone with the element)."""

from __future__ import annotations

from nicegui import binding, ui

from state.stores.presence import user_presence


class PresenceFollower(ui.element):
    """`data-status` follows the person's presence; subclasses react in `status_changed`.

    Call `follow(user_id)` at the end of the subclass's `__init__`, once its children exist.
    """

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self._status = ''

    def follow(self, user_id: int) -> None:
        self.props['data-user'] = str(user_id)
        binding.bind_from(self, 'status', user_presence(user_id), 'status')

    @property
    def status(self) -> str:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value
        self.props['data-status'] = value
        self.status_changed(value)
        self.update()

    def status_changed(self, status: str) -> None:
        """Hook for subclasses."""


class PresenceDot(PresenceFollower):
    def __init__(self, user_id: int) -> None:
        super().__init__('span')
        self.classes('chat-presence-dot').props('data-testid=presence-dot')
        self.follow(user_id)
