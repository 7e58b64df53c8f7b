"""Mention badges from the sidebar store, seen live in a second browser context."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess


def test_a_mention_badges_the_channel_for_the_person_named_only(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, server, 'Ada', create_user(server, 'Ada', workspace))
    bob = log_in(browser, server, 'Bob', create_user(server, 'Bob', workspace))
    cy = log_in(browser, server, 'Cy', create_user(server, 'Cy', workspace))
    for person in (bob, cy):  # both look at another conversation, so #general collects unread state
        person.page.get_by_test_id('create-channel').click()
        person.page.get_by_test_id('channel-name-input').fill(f'corner-{person.name.lower()}')
        person.page.get_by_test_id('channel-create-submit').click()
        expect(person.page.get_by_test_id('channel-name')).to_have_text(f'#corner-{person.name.lower()}')

    ada.send('plain news')
    # The name is not last: with it last, Enter would take the open @-completion instead of sending.
    ada.send('and a question for @Bob, please')
    bob_general, cy_general = bob.channel_link('general'), cy.channel_link('general')
    expect(bob_general.get_by_test_id('mention-count')).to_have_text('1')
    expect(cy_general).to_have_attribute('data-unread', '2')
    expect(cy_general.get_by_test_id('mention-count')).to_be_hidden()

    bob.open_channel('general')
    expect(bob_general.get_by_test_id('mention-count')).to_be_hidden()
    for person in (ada, bob, cy):
        person.context.close()
