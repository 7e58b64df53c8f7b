"""Assets built from code (emoji table, stylesheets) are served once per browser under content-hashed URLs."""

from __future__ import annotations

from nicegui.testing import User

from components import stylesheets
from components.shell_context import EMOJI_URL
from tests.test_live_pages import acme, open_shell


async def test_stylesheets_and_emoji_are_cacheable_files(user: User) -> None:
    for sheet in stylesheets.ALL:
        response = await user.http_client.get(sheet.url)
        assert response.status_code == 200 and response.text == sheet.text
        assert response.headers['content-type'].startswith('text/css')
        assert 'immutable' in response.headers['cache-control']
    emoji = await user.http_client.get(EMOJI_URL)
    assert emoji.status_code == 200 and 'immutable' in emoji.headers['cache-control']


async def test_a_tab_links_the_stylesheets_instead_of_carrying_them(user: User) -> None:
    _, slug = acme()
    await open_shell(user, 'ada@example.com', slug)
    assert user.client is not None
    head = user.client.head_html  # public: the shared head plus this tab's own
    assert f'<link rel="stylesheet" href="{stylesheets.CHAT.url}">' in head
    assert head.count(stylesheets.ATTACHMENTS.url) == 1  # linked once although the tab has an uploader or two
    assert '.chat-sidebar' not in head
