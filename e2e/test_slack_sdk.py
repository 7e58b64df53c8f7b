"""Unmodified Slack client code (the official `slack_sdk` WebClient) against a live server."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from e2e.conftest import ServerProcess
from e2e.slack_helpers import bot_client, channel_id, workspace_with_owner


def test_a_bot_posts_threads_reacts_edits_and_reads_history(server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    client = bot_client(server, owner, workspace)

    me = client.auth_test()
    assert me['user'] == 'Deploy Bot' and me['bot_id'].startswith('B')
    general = channel_id(client, 'general')

    root = client.chat_postMessage(channel=general, text='Deploy started')
    reply = client.chat_postMessage(channel=general, text='step 1 of 2 done', thread_ts=root['ts'])
    assert reply['message']['thread_ts'] == root['ts']
    client.reactions_add(channel=general, timestamp=root['ts'], name='rocket')
    client.chat_update(channel=general, ts=root['ts'], text='Deploy finished')

    history = client.conversations_history(channel=general, limit=10)
    newest = history['messages'][0]
    assert newest['text'] == 'Deploy finished' and newest['ts'] == root['ts']
    assert newest['reply_count'] == 1 and 'edited' in newest
    assert newest['reactions'] == [{'name': 'rocket', 'count': 1, 'users': [me['user_id']]}]
    thread = client.conversations_replies(channel=general, ts=root['ts'])
    assert [m['text'] for m in thread['messages']] == ['Deploy finished', 'step 1 of 2 done']

    people = client.users_list()
    assert {m['real_name'] for m in people['members']} == {'Ada', 'Deploy Bot'}

    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel='C0000ZZZZ', text='nowhere')
    assert refused.value.response['error'] == 'channel_not_found'
    client.chat_delete(channel=general, ts=reply['ts'])
    assert client.conversations_replies(channel=general, ts=root['ts'])['messages'][0].get('reply_count') is None


def test_paginating_with_the_sdk_iterator(server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    client = bot_client(server, owner, workspace)
    general = channel_id(client, 'general')
    for n in range(5):
        client.chat_postMessage(channel=general, text=f'line {n}')
    # SlackResponse follows response_metadata.next_cursor; it reuses itself per page, so read each as it comes.
    pages = [[m['text'] for m in page['messages']] for page in client.conversations_history(channel=general, limit=2)]
    assert pages == [['line 4', 'line 3'], ['line 2', 'line 1'], ['line 0']]
