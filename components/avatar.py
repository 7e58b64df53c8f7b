"""A person's picture as an element (profile card, edit dialog): the upload, or initials on their colour."""

from __future__ import annotations

from nicegui import ui

from state.files.avatar_store import avatar_url

CARD_AVATAR_SIZE = 192


def avatar_element(user_id: int, name: str, version: int, size: int = CARD_AVATAR_SIZE) -> ui.element:
    """The picture, or the person's initials on their colour, as the message list draws them."""
    box = ui.element('div').classes('chat-avatar chat-avatar--card')
    box.props(f'data-testid=avatar data-user={user_id}')
    with box:
        if version:
            picture = ui.element('img').classes('chat-avatar__img')
            picture.props['src'] = avatar_url(user_id, version, size)
            picture.props['alt'] = ''
        else:
            initials = ''.join(part[0] for part in name.split()[:2]).upper() or '?'
            ui.label(initials)
            box.style(f'background: hsl({user_id * 67 % 360},55%,45%)')  # chat_format.js hue(); an integer only
    return box
