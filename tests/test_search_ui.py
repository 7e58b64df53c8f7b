"""The search box and results panel under NiceGUI's simulated user."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ElementFilter
from nicegui.testing import User

from components.search_panel import SearchResults
from db.workspace_queries import workspace_by_slug
from state.actions.channels import create_channel
from state.actions.messages import send_message
from tests.test_workspace_shell import open_as, setup_workspace


def results(user: User) -> SearchResults:
    with user:
        return next(iter(ElementFilter(kind=SearchResults)))


def search_for(user: User, text: str) -> list[dict[str, Any]]:
    user.find('search-input').trigger('keydown.enter', text)  # the browser sends the input's text with Enter
    return list(results(user).props['hits'])


def workspace_id(slug: str) -> int:
    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    return workspace.id


async def test_the_panel_is_built_on_first_search_and_lists_highlighted_hits(user: User) -> None:
    ada_id, _, general_id, slug = setup_workspace()
    send_message(ada_id, general_id, 'the quokka <b>report</b> is ready', None)
    await open_as(user, 'bob@example.com', f'/w/{slug}')
    with user:
        assert list(ElementFilter(kind=SearchResults)) == []  # a tab that never searched holds only the input

    hits = search_for(user, 'quok')
    assert [(hit['where'], hit['author']) for hit in hits] == [('#general', 'Ada')]
    assert hits[0]['snippet'] == 'the <mark>quokka</mark> &lt;b&gt;report&lt;/b&gt; is ready'

    assert search_for(user, 'nothing-like-this') == [] and results(user).props['searched'] is True  # "No results"
    search_for(user, '   ')
    assert results(user).props['error'] == 'Type something to search for.'


async def test_a_pick_opens_the_message_and_private_channels_of_others_stay_out(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada_id, _, general_id, slug = setup_workspace()
    secret = create_channel(ada_id, workspace_id(slug), 'secret', private=True)
    hidden = send_message(ada_id, secret.id, 'wombat plans', None)
    shown = send_message(ada_id, general_id, 'wombat sighting', None)
    await open_as(user, 'bob@example.com', f'/w/{slug}')
    assert [hit['id'] for hit in search_for(user, 'wombat')] == [shown.id]

    deltas: list[dict[str, Any]] = []
    monkeypatch.setattr('components.message_list.call_method', lambda _element, _method, batch: deltas.extend(batch))
    user.find(kind=SearchResults).trigger('pick', {'id': hidden.id})  # not a result this tab was shown: ignored
    assert deltas == []
    user.find(kind=SearchResults).trigger('pick', {'id': shown.id})
    resets = [delta for delta in deltas if delta['op'] == 'reset']
    assert [delta['highlight_id'] for delta in resets] == [shown.id]  # the channel opens around it, highlighted
    assert shown.id in [message['id'] for message in resets[0]['messages']]
