"""Files and bookmarks sent with the official `slack_sdk` client show up live in two people's browsers."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in
from e2e.conftest import ServerProcess
from e2e.slack_helpers import bot_client, channel_id, workspace_with_owner


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (64, 32), 'teal').save(buffer, 'PNG')
    return buffer.getvalue()


def test_files_upload_v2_and_a_bookmark_appear_live(browser: Browser, server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    bob_email = create_user(server, 'Bob', workspace)
    ada = log_in(browser, server, 'Ada', owner)
    bob = log_in(browser, server, 'Bob', bob_email)
    for person in (ada, bob):
        person.open_channel('general')
    client = bot_client(server, owner, workspace)
    general = channel_id(client, 'general')

    done = client.files_upload_v2(channel=general, file=_png(), filename='chart.png', initial_comment='Build chart')
    assert done['file']['name'] == 'chart.png' and done['file']['mimetype'] == 'image/png'
    for person in (ada, bob):  # pushed over each page's websocket: no reload
        posted = person.message('Build chart')
        image = posted.locator('[data-testid=attachment][data-kind=image] img')
        expect(image).to_be_visible()
        expect(image).to_have_js_property('complete', True)
        assert image.evaluate('img => img.naturalWidth') > 0  # the thumbnail really loaded for this person

    added = client.bookmarks_add(channel_id=general, title='Runbook', type='link', link='https://example.com/run')
    for person in (ada, bob):
        mark = person.page.locator('[data-testid=bookmark][data-title="Runbook"]')
        expect(mark).to_be_visible()
        expect(mark).to_have_attribute('href', 'https://example.com/run')
    client.bookmarks_remove(channel_id=general, bookmark_id=added['bookmark']['id'])
    expect(bob.page.locator('[data-testid=bookmark]')).to_have_count(0)
    for person in (ada, bob):
        person.context.close()
