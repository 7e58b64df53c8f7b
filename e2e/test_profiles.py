"""Profiles, live: Ada uploads a picture and sets her title; Bob sees both at once in the message list and in
Ada's open profile card (no reload), then messages her from the card."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS


def test_a_new_picture_and_title_show_live_in_the_list_and_the_card(
    browser: Browser, server: ServerProcess, tmp_path: Path
) -> None:
    ada, bob = pair(browser, server)
    picture = tmp_path / 'ada.png'
    image = Image.new('RGB', (400, 300), (240, 180, 20))
    image.paste((20, 90, 200), (100, 50, 300, 250))
    image.save(picture)

    ada.send('hello from ada')
    expect(bob.message('hello from ada')).to_be_visible()
    ada_avatar = ada.message('hello from ada').get_by_test_id('avatar')
    ada_id = ada_avatar.get_attribute('data-user')
    assert ada_id is not None and ada_id.isdigit()
    on_bobs_list = bob.message('hello from ada').locator(f'[data-testid=avatar][data-user="{ada_id}"]')
    expect(on_bobs_list).to_have_text('A')  # initials until there is a picture
    expect(on_bobs_list.locator('img')).to_have_count(0)

    # Bob opens Ada's card from her name before she changes anything.
    bob.message('hello from ada').get_by_test_id('message-author').click()
    card = bob.page.get_by_test_id('profile-card')
    expect(card).to_be_visible()
    expect(card).to_have_attribute('data-user', ada_id)
    expect(card.get_by_test_id('profile-name')).to_have_text('Ada')
    expect(card.get_by_test_id('profile-title')).to_have_count(0)
    # Ada's browser reported its own time zone when her tab connected (she never picked one).
    expect(card.get_by_test_id('profile-local-time')).to_contain_text(re.compile(r'\d\d:\d\d local time \('))

    # Ada edits her profile: picture first (saved on upload), then the title.
    ada.page.get_by_test_id('open-profile-edit').click()
    editor = ada.page.get_by_test_id('profile-edit')
    expect(editor).to_be_visible()
    editor.get_by_test_id('profile-avatar-upload').locator('input[type=file]').set_input_files(picture)
    own_picture = editor.locator(f'[data-testid=avatar][data-user="{ada_id}"] img')
    expect(own_picture).to_have_attribute('src', re.compile(rf'/avatars/{ada_id}/192\.png\?v=\d+'))
    editor.get_by_test_id('profile-title-input').fill('Chief Analyst')
    editor.get_by_test_id('profile-pronouns-input').fill('she/her')
    editor.get_by_test_id('profile-time-zone').click()
    ada.page.keyboard.type('Europe/Ber')
    ada.page.get_by_role('option', name='Europe/Berlin').click()
    ada.page.screenshot(path=str(SHOTS / 'profiles-edit-dialog.png'))
    editor.get_by_test_id('profile-save').click()
    expect(editor).to_be_hidden()

    # Bob, without reloading: the open card and the message list follow.
    expect(card.get_by_test_id('profile-title')).to_have_text('Chief Analyst')
    expect(card.get_by_test_id('profile-pronouns')).to_have_text('she/her')
    expect(card.get_by_test_id('profile-local-time')).to_contain_text('Europe/Berlin')
    card_picture = card.locator(f'[data-testid=avatar][data-user="{ada_id}"] img')
    expect(card_picture).to_have_attribute('src', re.compile(rf'/avatars/{ada_id}/192\.png\?v=\d+'))
    list_picture = on_bobs_list.locator('img')
    expect(list_picture).to_have_attribute('src', re.compile(rf'/avatars/{ada_id}/72\.png\?v=\d+'))
    loaded = list_picture.evaluate('img => img.complete && img.naturalWidth')
    assert loaded == 72  # the browser fetched the picture itself, not just a URL
    bob.page.screenshot(path=str(SHOTS / 'profiles-card.png'))

    # "Message" opens the direct conversation with Ada.
    card.get_by_test_id('profile-message').click()
    expect(card).to_be_hidden()
    expect(bob.page.get_by_test_id('channel-name')).to_contain_text('Ada')
    bob.send('hi Ada, nice picture')
    expect(ada.page.locator('[data-testid=channel-link]').filter(has_text='Bob')).to_be_visible()

    ada.context.close()
    bob.context.close()
