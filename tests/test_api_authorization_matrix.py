"""Every Web API method against every kind of token and every kind of conversation, generated from one table.

The actions have their own matrix (tests/test_authorization_matrix.py); this one proves the HTTP layer asks
them, and that the read methods, which go to queries directly, apply the same rule. Tokens: the workspace's
owner, an admin who is in no conversation, a member of the conversation (the author of its message), a
workspace member outside it, a member whose account was deactivated, someone from another workspace, and a
guest who is in the conversation (but not in the DM).
A conversation the token may not read answers `channel_not_found`, exactly like one that does not exist.
Every registered method must have a row here or be listed with the test that covers it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from api.slack.ids import channel_sid, ts_of, user_sid
from api.slack.methods import load as load_methods
from api.slack.methods.scheduled import scheduled_sid
from api.slack.registry import METHODS
from db.models import ChannelKind, WorkspaceRole, utcnow
from db.models import User as UserRow
from state.actions import messages, reactions, scheduled
from state.actions.apps import create_app, set_app_disabled
from state.actions.tokens import create_api_token, token_identity
from tests.factories import add_member, make_channel, make_user, make_workspace, update_row
from tests.slack_support import SlackCaller

ROLES = ('owner', 'admin', 'member', 'outsider', 'deactivated', 'stranger', 'guest')
KINDS = (ChannelKind.PUBLIC, ChannelKind.PRIVATE, ChannelKind.GROUP, ChannelKind.DIRECT)


@dataclass(frozen=True)
class ApiScene:
    kind: ChannelKind
    tokens: dict[str, str]
    user_ids: dict[str, int]
    channel: str  # the conversation's Slack id
    ts: str  # the member's message in it (the member has reacted :tada: to it)
    scheduled_id: str  # a message the member scheduled there for tomorrow

    def in_it(self, role: str) -> bool:
        people = {'member', 'deactivated'} | (set() if self.kind == ChannelKind.DIRECT else {'owner', 'guest'})
        return role in people and role != 'deactivated'

    def readable(self, role: str) -> bool:
        browses = role in ('owner', 'admin', 'member', 'outsider')  # not guests: they read only their own
        return self.in_it(role) or (self.kind == ChannelKind.PUBLIC and browses)


def build_api_scene(kind: ChannelKind) -> ApiScene:
    people = {role: make_user(role.title()) for role in ROLES}
    workspace = make_workspace(people['owner'])
    add_member(workspace, people['admin'], WorkspaceRole.ADMIN)
    for role in ('member', 'outsider', 'deactivated'):
        add_member(workspace, people[role])
    add_member(workspace, people['guest'], WorkspaceRole.GUEST)
    elsewhere = make_workspace(people['stranger'], 'Elsewhere')
    in_it = ['member', 'deactivated'] if kind == ChannelKind.DIRECT else ['owner', 'member', 'deactivated', 'guest']
    channel = make_channel(workspace, f'c-{kind.value}', [people[role] for role in in_it], kind=kind)
    ids = {role: int(person.id or 0) for role, person in people.items()}
    channel_id = int(channel.id or 0)
    message = messages.send_message(ids['member'], channel_id, 'hello there', 'm-1')
    reactions.add_reaction(ids['member'], message.id, 'tada')
    later = scheduled.schedule_message(ids['member'], channel_id, 'see you', utcnow() + timedelta(days=1))
    home = {role: int(workspace.id or 0) for role in ROLES} | {'stranger': int(elsewhere.id or 0)}
    tokens = {role: create_api_token(ids[role], home[role]) for role in ROLES}
    update_row(UserRow, ids['deactivated'], is_active=False)
    return ApiScene(kind, tokens, ids, channel_sid(channel_id, kind), ts_of(message.ts_us), scheduled_sid(later.id))


# ---- the rules, once: what each method answers when it is refused ------------------------------------------


def read(scene: ApiScene, role: str) -> str:
    return 'ok' if scene.readable(role) else 'channel_not_found'


def write(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if scene.in_it(role) else 'not_in_channel'


def unreact(scene: ApiScene, role: str) -> str:
    outcome = write(scene, role)
    return 'no_reaction' if outcome == 'ok' and role != 'member' else outcome  # only the member reacted


def edit(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if role == 'member' else 'cant_update_message'  # the author, nobody else


def remove(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if role in ('member', 'owner', 'admin') else 'cant_delete_message'  # author or admins


def channels_only(scene: ApiScene, role: str, outcome: str) -> str:
    """Leaving, inviting and archiving are for channels: a DM or group DM says so (once it is readable)."""
    if not scene.readable(role):
        return 'channel_not_found'
    return 'method_not_supported_for_channel_type' if scene.kind in (ChannelKind.GROUP, ChannelKind.DIRECT) else outcome


def leave(scene: ApiScene, role: str) -> str:
    return channels_only(scene, role, 'ok')  # someone not in it gets ok with not_in_channel, as from Slack


def invite(scene: ApiScene, role: str) -> str:
    if role == 'guest':
        return channels_only(scene, role, 'restricted_action')  # guests add nobody
    return channels_only(scene, role, 'ok' if scene.in_it(role) else 'not_in_channel')


def archive(scene: ApiScene, role: str) -> str:
    return channels_only(scene, role, 'ok' if role in ('owner', 'admin') else 'restricted_action')


def unarchive(scene: ApiScene, role: str) -> str:
    return channels_only(scene, role, 'not_archived')


def kick_or_rename(scene: ApiScene, role: str) -> str:
    return channels_only(scene, role, 'ok' if role in ('owner', 'admin') else 'restricted_action')


def close(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if scene.kind in (ChannelKind.GROUP, ChannelKind.DIRECT) else 'method_not_supported_for_channel_type'


def member_only(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if scene.in_it(role) else 'not_in_channel'


def unschedule(scene: ApiScene, role: str) -> str:
    if not scene.readable(role):
        return 'channel_not_found'
    return 'ok' if role == 'member' else 'invalid_scheduled_message_id'  # the member's own, nobody else's


@dataclass(frozen=True)
class Row:
    method: str
    args: Callable[[ApiScene], dict[str, Any]]
    expect: Callable[[ApiScene, str], str]


def _channel(scene: ApiScene) -> dict[str, Any]:
    return {'channel': scene.channel}


def _message(scene: ApiScene) -> dict[str, Any]:
    return {'channel': scene.channel, 'ts': scene.ts}


ROWS = [
    Row('conversations.info', _channel, read),
    Row('conversations.history', _channel, read),
    Row('conversations.members', _channel, read),
    Row('conversations.replies', _message, read),
    Row('conversations.join', _channel, read),  # public: anyone who reads it joins; others are already in
    Row('reactions.get', lambda s: {'channel': s.channel, 'timestamp': s.ts}, read),
    Row('chat.getPermalink', lambda s: {'channel': s.channel, 'message_ts': s.ts}, read),
    Row('chat.postMessage', lambda s: {'channel': s.channel, 'text': 'hi'}, write),
    Row(
        'chat.postEphemeral',
        lambda s: {'channel': s.channel, 'user': user_sid(s.user_ids['member']), 'text': 'x'},
        write,
    ),
    Row(
        'chat.postEphemeral',
        lambda s: {'channel': s.channel, 'user': user_sid(s.user_ids['outsider']), 'text': 'psst'},
        lambda s, r: 'user_not_in_channel' if write(s, r) == 'ok' else write(s, r),
    ),
    Row('chat.postMessage', lambda s: {'channel': s.channel, 'text': 'hi', 'thread_ts': s.ts}, write),
    Row('reactions.add', lambda s: {'channel': s.channel, 'timestamp': s.ts, 'name': 'eyes'}, write),
    Row('reactions.remove', lambda s: {'channel': s.channel, 'timestamp': s.ts, 'name': 'tada'}, unreact),
    Row('chat.update', lambda s: {'channel': s.channel, 'ts': s.ts, 'text': 'changed'}, edit),
    Row('chat.delete', _message, remove),
    Row('conversations.leave', _channel, leave),
    Row('conversations.invite', lambda s: {'channel': s.channel, 'users': user_sid(s.user_ids['outsider'])}, invite),
    Row('conversations.setTopic', lambda s: {'channel': s.channel, 'topic': 'new topic'}, member_only),
    Row('conversations.archive', _channel, archive),
    Row('conversations.unarchive', _channel, unarchive),
    Row('conversations.mark', _message, member_only),
    Row('apps.connections.open', lambda s: {}, lambda s, role: 'not_allowed_token_type'),  # app-level tokens only
    Row('conversations.kick', lambda s: {'channel': s.channel, 'user': user_sid(s.user_ids['member'])}, kick_or_rename),
    Row('conversations.rename', lambda s: {'channel': s.channel, 'name': 'renamed'}, kick_or_rename),
    Row('conversations.setPurpose', lambda s: {'channel': s.channel, 'purpose': 'what for'}, member_only),
    Row('conversations.close', _channel, close),
    Row('chat.meMessage', lambda s: {'channel': s.channel, 'text': 'waves'}, write),
    Row('files.list', _channel, read),
    Row('bookmarks.list', lambda s: {'channel_id': s.channel}, read),
    Row('bookmarks.add', lambda s: {'channel_id': s.channel, 'title': 'Docs', 'link': 'https://x.test'}, member_only),
    Row('files.upload', lambda s: {'channels': s.channel, 'content': 'notes', 'filename': 'n.txt'}, write),
    Row(
        'chat.scheduleMessage',
        lambda s: {'channel': s.channel, 'text': 'later', 'post_at': int(time.time()) + 3600},
        write,
    ),
    Row('chat.scheduledMessages.list', _channel, read),
    Row(
        'chat.deleteScheduledMessage',
        lambda s: {'channel': s.channel, 'scheduled_message_id': s.scheduled_id},
        unschedule,
    ),
]

# Methods that name no conversation: who may see what is checked by the tests below.
PEOPLE_AND_LISTS = ('conversations.list', 'conversations.open', 'users.info', 'users.list')
COVERED_ELSEWHERE = {
    'api.test': 'tests/test_slack_api.py (needs no token)',
    'auth.test': 'tests/test_slack_api.py',
    'auth.revoke': 'tests/test_slack_api.py',
    'conversations.create': 'tests/test_slack_api.py (creates in the caller own workspace only)',
    'team.info': 'tests/test_slack_team_presence_search.py (the token own workspace)',
    'bots.info': 'tests/test_slack_team_presence_search.py (bots of the token workspace only)',
    'users.getPresence': 'tests/test_slack_team_presence_search.py (people of the token workspace only)',
    'users.setPresence': 'tests/test_slack_team_presence_search.py (the token own user)',
    'search.messages': 'tests/test_slack_team_presence_search.py (only what the token user may read)',
    'files.getUploadURLExternal': 'tests/test_slack_files.py (a slot of the token own user)',
    'files.completeUploadExternal': 'tests/test_slack_files.py (only the token user own uploads, into readable ones)',
    'files.info': 'tests/test_slack_files.py (files of conversations the token user may read)',
    'files.delete': 'tests/test_slack_files.py (the uploader or an admin)',
    'users.lookupByEmail': 'tests/test_slack_users_more.py (owners, admins and bots; people of the token workspace)',
    'users.profile.get': 'tests/test_slack_users_more.py (people of the token workspace only)',
    'users.profile.set': 'tests/test_slack_users_more.py (the token own user only)',
    'users.conversations': 'tests/test_slack_users_more.py (only the token user own memberships)',
    'emoji.list': 'tests/test_slack_small_methods.py (no custom emoji: the same empty map for every token)',
    'dnd.info': 'tests/test_slack_small_methods.py (people of the token workspace only)',
    'reactions.list': 'tests/test_slack_small_methods.py (the token user own reactions, in readable ones)',
    'bookmarks.edit': 'tests/test_slack_bookmarks.py (needs a bookmark first; the action matrix covers who)',
    'bookmarks.remove': 'tests/test_slack_bookmarks.py (needs a bookmark first; the action matrix covers who)',
}

CASES = [
    pytest.param(index, kind, id=f'{row.method}-{index}-{kind.value}')
    for index, row in enumerate(ROWS)
    for kind in KINDS
]
CHANGES_WHAT_OTHERS_SEE = {
    'chat.delete',
    'conversations.invite',
    'conversations.archive',
    'conversations.kick',
}  # a fresh scene each


async def _answer(slack: SlackCaller, method: str, token: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body = await slack(method, token, **args)
    return ('ok' if body['ok'] else str(body['error'])), body


@pytest.mark.parametrize(('index', 'kind'), CASES)
async def test_each_method_answers_each_token_as_the_rules_say(
    slack: SlackCaller, index: int, kind: ChannelKind
) -> None:
    row = ROWS[index]
    scene = build_api_scene(kind)
    wrong: list[tuple[str, str, str]] = []
    for role in ROLES:
        if row.method in CHANGES_WHAT_OTHERS_SEE and role != ROLES[0]:
            scene = build_api_scene(kind)
        expected = 'invalid_auth' if role == 'deactivated' else row.expect(scene, role)
        outcome, body = await _answer(slack, row.method, scene.tokens[role], row.args(scene))
        if outcome != expected:
            wrong.append((role, expected, outcome))
        if outcome != 'ok':
            assert 'hello there' not in str(body), (role, body)  # a refusal never carries the conversation's content
    assert wrong == []  # (token, expected, answered)


@pytest.mark.parametrize('kind', KINDS)
async def test_the_conversation_list_shows_exactly_what_each_token_may_read(
    slack: SlackCaller, kind: ChannelKind
) -> None:
    scene = build_api_scene(kind)
    for role in ROLES:
        outcome, body = await _answer(
            slack, 'conversations.list', scene.tokens[role], {'types': 'public_channel,private_channel,mpim,im'}
        )
        if role == 'deactivated':
            assert outcome == 'invalid_auth'
            continue
        listed = {channel['id'] for channel in body['channels']}
        assert (scene.channel in listed) == scene.readable(role), (role, listed)


async def test_people_of_another_workspace_stay_unknown(slack: SlackCaller) -> None:
    scene = build_api_scene(ChannelKind.PUBLIC)
    member_sid = user_sid(scene.user_ids['member'])
    stranger = scene.tokens['stranger']
    assert (await _answer(slack, 'users.info', stranger, {'user': member_sid}))[0] == 'user_not_found'
    assert (await _answer(slack, 'conversations.open', stranger, {'users': member_sid}))[0] == 'user_not_found'
    _, listed = await _answer(slack, 'users.list', stranger, {})
    assert member_sid not in {person['id'] for person in listed['members']}
    insider = scene.tokens['outsider']
    assert (await _answer(slack, 'users.info', insider, {'user': member_sid}))[0] == 'ok'
    assert (await _answer(slack, 'conversations.open', insider, {'users': member_sid}))[0] == 'ok'
    _, listed = await _answer(slack, 'users.list', insider, {})
    assert member_sid in {person['id'] for person in listed['members']}


async def test_a_guest_token_sees_only_the_people_of_its_channels(slack: SlackCaller) -> None:
    scene = build_api_scene(ChannelKind.PRIVATE)  # the guest shares it with the owner and the member
    guest = scene.tokens['guest']
    _, listed = await _answer(slack, 'users.list', guest, {})
    seen = {person['id'] for person in listed['members']}
    mates = {user_sid(scene.user_ids[role]) for role in ('guest', 'owner', 'member', 'deactivated')}
    assert seen == mates
    outsider_sid = user_sid(scene.user_ids['outsider'])
    assert (await _answer(slack, 'users.info', guest, {'user': outsider_sid}))[0] == 'user_not_found'
    assert (await _answer(slack, 'users.profile.get', guest, {'user': outsider_sid}))[0] == 'user_not_found'
    assert (await _answer(slack, 'users.getPresence', guest, {'user': outsider_sid}))[0] == 'user_not_found'
    assert (await _answer(slack, 'conversations.open', guest, {'users': outsider_sid}))[0] == 'user_not_found'
    member_sid = user_sid(scene.user_ids['member'])
    assert (await _answer(slack, 'users.info', guest, {'user': member_sid}))[0] == 'ok'
    assert (await _answer(slack, 'conversations.open', guest, {'users': member_sid}))[0] == 'ok'
    assert (await _answer(slack, 'conversations.create', guest, {'name': 'mine'}))[0] == 'restricted_action'
    _, others = await _answer(slack, 'users.list', scene.tokens['outsider'], {})
    assert user_sid(scene.user_ids['guest']) in {person['id'] for person in others['members']}


async def test_only_an_enabled_apps_own_app_token_opens_a_socket_mode_connection(slack: SlackCaller) -> None:
    scene = build_api_scene(ChannelKind.PUBLIC)
    owner = token_identity(scene.tokens['owner'])
    assert owner is not None
    made = create_app(owner.user_id, owner.workspace_id, 'Behind a firewall', socket_mode=True)
    assert made.app_token is not None
    opened = await slack('apps.connections.open', made.app_token)
    assert opened['ok'] is True and '/socket-mode/' in opened['url']
    assert (await _answer(slack, 'apps.connections.open', made.bot_token, {}))[0] == 'not_allowed_token_type'
    assert (await _answer(slack, 'chat.postMessage', made.app_token, _channel(scene)))[0] == 'not_allowed_token_type'
    assert (await _answer(slack, 'apps.connections.open', 'xapp-forged', {}))[0] == 'invalid_auth'
    set_app_disabled(scene.user_ids['owner'], made.id, True)
    assert (await _answer(slack, 'apps.connections.open', made.app_token, {}))[0] == 'invalid_auth'


def test_every_method_has_a_row_or_a_reason() -> None:
    load_methods()
    covered = {row.method for row in ROWS} | set(PEOPLE_AND_LISTS) | set(COVERED_ELSEWHERE)
    assert sorted(set(METHODS) - covered) == []
    assert sorted(covered - set(METHODS)) == []  # no row for a method that no longer exists
