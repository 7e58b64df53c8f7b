"""Every action against every kind of person and every kind of conversation, generated from one table.

People: the workspace's owner, an admin who is in no conversation, a member of the conversation, a workspace
member outside it, a member whose account was deactivated, someone from another workspace, and a guest who is
in the conversation (not in the DM, so there a guest outside it). Conversations:
public and private channels, a group DM and a DM. The owner is in every one but the DM. A refused call raises
one of the typed errors and writes nothing. Every public action of `state.actions` that takes an actor must
have a row here, or be listed with the test file that covers it: a new action without one fails this test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel

import state.actions
from db.models import (
    App,
    Bookmark,
    Channel,
    ChannelKind,
    ChannelMember,
    CommandResponseUrl,
    IncomingWebhook,
    Invite,
    Message,
    OutgoingEmail,
    Reaction,
    ScheduledMessage,
    SlashCommand,
    User,
    WorkspaceMember,
    WorkspaceRole,
    WorkspaceSettings,
    utcnow,
)
from state.actions import (
    api_uploads,
    apps,
    bookmarks,
    channels,
    command_invocation,
    custom_commands,
    ephemeral,
    messages,
    reactions,
    reads,
    scheduled,
    search,
    slack_archive,
    webhooks,
    workspace_settings,
    workspaces,
)
from state.actions import profile as profile_actions
from state.actions.upload_types import set_extra_upload_types
from state.actions.uploads import authorize_upload
from state.errors import ActionError, RateLimited
from tests.factories import add_member, count_rows, make_channel, make_user, make_workspace, update_row

ROLES = ('owner', 'admin', 'member', 'outsider', 'deactivated', 'stranger', 'guest')
KINDS = (ChannelKind.PUBLIC, ChannelKind.PRIVATE, ChannelKind.GROUP, ChannelKind.DIRECT)
WRITTEN: tuple[type[SQLModel], ...] = (
    App,
    Bookmark,
    Message,
    Reaction,
    Channel,
    ChannelMember,
    WorkspaceMember,
    Invite,
    IncomingWebhook,
    SlashCommand,
    CommandResponseUrl,
    ScheduledMessage,
    OutgoingEmail,
    WorkspaceSettings,
)


@dataclass
class Scene:
    people: dict[str, int]
    workspace_id: int
    channel_id: int
    kind: ChannelKind
    message_id: int  # posted by the member
    bookmark_id: int  # added by the member
    scheduled_id: int  # scheduled by the member, for tomorrow

    def members(self) -> set[str]:
        return {'member', 'deactivated'} | (set() if self.kind == ChannelKind.DIRECT else {'owner', 'guest'})


def build_scene(kind: ChannelKind) -> Scene:
    owner, admin, member, outsider, deactivated, stranger, guest = (make_user(role.title()) for role in ROLES)
    workspace = make_workspace(owner)
    add_member(workspace, admin, WorkspaceRole.ADMIN)
    for person in (member, outsider, deactivated):
        add_member(workspace, person)
    add_member(workspace, guest, WorkspaceRole.GUEST)  # in no #general: only the conversation below
    make_workspace(stranger, 'Elsewhere')
    in_it = [member, deactivated] if kind == ChannelKind.DIRECT else [owner, member, deactivated, guest]
    channel = make_channel(workspace, f'c-{kind.value}', in_it, kind=kind)
    people = {
        role: int(person.id or 0)
        for role, person in zip(ROLES, (owner, admin, member, outsider, deactivated, stranger, guest), strict=True)
    }
    message = messages.send_message(people['member'], int(channel.id or 0), 'hello there', 'm-1')
    mark = bookmarks.add_bookmark(people['member'], int(channel.id or 0), 'Runbook', 'https://x.test/r')
    later = scheduled.schedule_message(people['member'], int(channel.id or 0), 'see you', utcnow() + timedelta(days=1))
    update_row(User, people['deactivated'], is_active=False)
    return Scene(people, int(workspace.id or 0), int(channel.id or 0), kind, message.id, mark.id, later.id)


# ---- who may: the rules, once --------------------------------------------------------------------------------


def member(scene: Scene, role: str) -> bool:
    return role in scene.members() and role != 'deactivated'


def reader(scene: Scene, role: str) -> bool:
    in_workspace = role in ('owner', 'admin', 'member', 'outsider')
    return member(scene, role) or (scene.kind == ChannelKind.PUBLIC and in_workspace)


def admin_reader(scene: Scene, role: str) -> bool:
    return role in ('owner', 'admin') and reader(scene, role)


def in_workspace(_scene: Scene, role: str) -> bool:
    return role in ('owner', 'admin', 'member', 'outsider', 'guest')


def full_member(_scene: Scene, role: str) -> bool:
    """Workspace members who are not guests (guests create no channels, reach only their channels' people)."""
    return role in ('owner', 'admin', 'member', 'outsider')


def workspace_admin(_scene: Scene, role: str) -> bool:
    return role in ('owner', 'admin')


def channel_only(scene: Scene, role: str) -> bool:
    """Leaving and adding people apply to channels, not to DMs."""
    return member(scene, role) and scene.kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE)


def inviter(scene: Scene, role: str) -> bool:
    """Members of a channel add people to it; guests do not."""
    return channel_only(scene, role) and role != 'guest'


def archivable(scene: Scene, role: str) -> bool:
    return admin_reader(scene, role) and scene.kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE)


def author(_scene: Scene, role: str) -> bool:
    return role == 'member'


def author_or_admin(scene: Scene, role: str) -> bool:
    return author(scene, role) or admin_reader(scene, role)


def joiner(scene: Scene, role: str) -> bool:
    return reader(scene, role)


def active(_scene: Scene, role: str) -> bool:
    return role != 'deactivated'


def _empty_slack_export() -> Path:
    """The smallest Slack export there is (no people, no channels): the import's authorization is the point."""
    path = Path(tempfile.mkdtemp()) / 'export.zip'
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('users.json', '[]')
        archive.writestr('channels.json', '[]')
    return path


# ---- the table: action -> (how to call it as `actor` in `scene`, who may) -------------------------------------

Call = Callable[[Scene, int], Any]
MATRIX: dict[str, tuple[Call, Callable[[Scene, str], bool]]] = {
    'messages.send_message': (lambda s, a: messages.send_message(a, s.channel_id, 'hi', 'x-1'), member),
    'messages.edit_message': (lambda s, a: messages.edit_message(a, s.message_id, 'changed'), author),
    'messages.delete_message': (lambda s, a: messages.delete_message(a, s.message_id), author_or_admin),
    'reactions.add_reaction': (lambda s, a: reactions.add_reaction(a, s.message_id, 'tada'), member),
    'reactions.toggle_reaction': (lambda s, a: reactions.toggle_reaction(a, s.message_id, 'tada'), member),
    'reactions.set_reaction': (lambda s, a: reactions.set_reaction(a, s.message_id, 'tada', add=True), member),
    'reactions.remove_reaction': (lambda s, a: reactions.remove_reaction(a, s.message_id, 'tada'), member),
    'reads.mark_read': (lambda s, a: reads.mark_read(a, s.channel_id, s.message_id), member),
    'reads.mark_unread': (lambda s, a: reads.mark_unread(a, s.channel_id, s.message_id), member),
    'channels.set_topic': (lambda s, a: channels.set_topic(a, s.channel_id, 'new topic'), member),
    'channels.set_notifications': (lambda s, a: channels.set_notifications(a, s.channel_id, 'all', True), member),
    'channels.leave_channel': (lambda s, a: channels.leave_channel(a, s.channel_id), channel_only),
    'channels.join_channel': (lambda s, a: channels.join_channel(a, s.channel_id), joiner),
    'channels.invite_to_channel': (
        lambda s, a: channels.invite_to_channel(a, s.channel_id, s.people['outsider']),
        inviter,
    ),
    'channels.remove_from_channel': (
        lambda s, a: channels.remove_from_channel(a, s.channel_id, s.people['member']),
        archivable,
    ),
    'channels.set_purpose': (lambda s, a: channels.set_purpose(a, s.channel_id, 'new purpose'), member),
    'channels.rename_channel': (lambda s, a: channels.rename_channel(a, s.channel_id, 'renamed'), archivable),
    'channels.archive_channel': (lambda s, a: channels.archive_channel(a, s.channel_id), archivable),
    'channels.unarchive_channel': (lambda s, a: channels.unarchive_channel(a, s.channel_id), archivable),
    'channels.create_channel': (lambda s, a: channels.create_channel(a, s.workspace_id, 'fresh'), full_member),
    'channels.open_direct': (
        lambda s, a: channels.open_direct(a, s.workspace_id, [s.people['outsider']]),
        full_member,  # the outsider shares no channel with the guest
    ),
    'uploads.authorize_upload': (lambda s, a: authorize_upload(a, s.channel_id), member),
    'upload_types.set_extra_upload_types': (
        lambda s, a: set_extra_upload_types(a, s.workspace_id, ['application/x-sqlite3']),
        workspace_admin,
    ),
    'workspace_settings.update_workspace_settings': (
        lambda s, a: workspace_settings.update_workspace_settings(
            a, s.workspace_id, workspace_settings.SettingsChange(name='Renamed', edit_window_minutes=5)
        ),
        workspace_admin,
    ),
    'search.search': (lambda s, a: search.search(a, s.workspace_id, 'hello'), in_workspace),
    'workspaces.create_invite': (
        lambda s, a: workspaces.create_invite(a, s.workspace_id, timedelta(days=1), 5),
        workspace_admin,
    ),
    'workspaces.create_workspace': (lambda _s, a: workspaces.create_workspace(a, 'Another team'), active),
    'profile.set_status': (lambda _s, a: profile_actions.set_status(a, 'lunch', ''), active),
    'profile.set_display_name': (lambda _s, a: profile_actions.set_display_name(a, 'New name'), active),
    'profile.set_read_receipts': (lambda _s, a: profile_actions.set_read_receipts(a, False), active),
    'profile.set_email_notifications': (lambda _s, a: profile_actions.set_email_notifications(a, False), active),
    'profile.set_manual_presence': (lambda _s, a: profile_actions.set_manual_presence(a, 'busy'), active),
    'webhooks.create_webhook': (lambda s, a: webhooks.create_webhook(a, s.channel_id, 'Deploys'), archivable),
    'webhooks.channel_webhooks': (lambda s, a: webhooks.channel_webhooks(a, s.channel_id), admin_reader),
    'apps.create_app': (lambda s, a: apps.create_app(a, s.workspace_id, 'Deploy bot'), workspace_admin),
    'apps.workspace_apps': (lambda s, a: apps.workspace_apps(a, s.workspace_id), workspace_admin),
    'custom_commands.create_command': (
        lambda s, a: custom_commands.create_command(a, s.workspace_id, '/deploy', 'https://ci.example.com/'),
        workspace_admin,
    ),
    'custom_commands.workspace_commands': (
        lambda s, a: custom_commands.workspace_commands(a, s.workspace_id),
        workspace_admin,
    ),
    # No such command in the scene: who may post there gets None (nothing to run), everyone else a refusal.
    'command_invocation.prepare_invocation': (
        lambda s, a: command_invocation.prepare_invocation(a, s.channel_id, '/nothing-here'),
        member,
    ),
    'ephemeral.post_ephemeral': (
        lambda s, a: ephemeral.post_ephemeral(a, s.channel_id, s.people['member'], 'psst'),
        member,
    ),
    'api_uploads.reserve_upload': (
        lambda s, a: api_uploads.reserve_upload(a, s.workspace_id, 'a.txt', 3),
        in_workspace,
    ),
    'bookmarks.add_bookmark': (lambda s, a: bookmarks.add_bookmark(a, s.channel_id, 'Docs', 'https://x.test'), member),
    'bookmarks.edit_bookmark': (
        lambda s, a: bookmarks.edit_bookmark(a, s.channel_id, s.bookmark_id, title='x'),
        member,
    ),
    'bookmarks.remove_bookmark': (lambda s, a: bookmarks.remove_bookmark(a, s.channel_id, s.bookmark_id), member),
    'api_uploads.note_to_self': (lambda s, a: api_uploads.note_to_self(a, s.workspace_id), in_workspace),
    'scheduled.schedule_message': (
        lambda s, a: scheduled.schedule_message(a, s.channel_id, 'later', utcnow() + timedelta(hours=1)),
        member,
    ),
    'scheduled.scheduled_messages': (lambda s, a: scheduled.scheduled_messages(a, s.workspace_id), in_workspace),
    'scheduled.edit_scheduled_message': (
        lambda s, a: scheduled.edit_scheduled_message(a, s.scheduled_id, body='changed'),
        author,
    ),
    'scheduled.cancel_scheduled_message': (
        lambda s, a: scheduled.cancel_scheduled_message(a, s.scheduled_id),
        author,
    ),
    'scheduled.send_scheduled_now': (lambda s, a: scheduled.send_scheduled_now(a, s.scheduled_id), author),
    'slack_archive.import_slack_export': (
        lambda s, a: slack_archive.import_slack_export(a, s.workspace_id, _empty_slack_export()),
        workspace_admin,
    ),
    'slack_archive.export_slack_archive': (
        lambda s, a: slack_archive.export_slack_archive(a, s.workspace_id, Path(tempfile.mkdtemp()) / 'out.zip'),
        workspace_admin,
    ),
}

# Actions that take an actor but are tested as a matrix of their own elsewhere.
COVERED_ELSEWHERE = {
    'uploads.store_upload': 'tests/test_files_actions.py',
    'uploads.discard_upload': 'tests/test_files_actions.py',
    'downloads.downloadable_file': 'tests/test_files_actions.py',
    'workspaces.accept_invite': 'tests/test_workspaces.py (anyone holding a valid invite token)',
    'workspaces.revoke_invite': 'tests/test_workspaces.py',
    'activity.note_activity': 'tests/test_stores.py (presence of the actor only, writes nothing shared)',
    'webhooks.remove_webhook': 'tests/test_webhooks.py (needs a webhook first)',
    'apps.set_app_disabled': 'tests/test_apps.py (needs an app first)',
    'app_events_url.set_events_url': 'tests/test_app_admin.py (needs an app first)',
    'app_delivery_log.app_delivery_log': 'tests/test_app_admin.py (needs an app first)',
    'custom_commands.remove_command': 'tests/test_custom_commands.py (needs a command first)',
    'api_uploads.complete_uploads': 'tests/test_slack_files.py (needs received uploads of the actor first)',
    'file_delete.delete_file': 'tests/test_slack_files.py (needs a sent file first)',
}
# Workspace-level actions do not depend on the conversation: one kind is enough for them.
WORKSPACE_RULES = (in_workspace, full_member, workspace_admin, active)
PER_WORKSPACE = {name for name, (_call, rule) in MATRIX.items() if rule in WORKSPACE_RULES}


def actor_actions() -> set[str]:
    found = set()
    for module_info in pkgutil.iter_modules(state.actions.__path__):
        module = importlib.import_module(f'state.actions.{module_info.name}')
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith('_'):
                continue
            if next(iter(inspect.signature(function).parameters), None) == 'actor_id':
                found.add(f'{module_info.name}.{name}')
    return found


def test_every_action_that_takes_an_actor_has_a_row() -> None:
    missing = actor_actions() - MATRIX.keys() - COVERED_ELSEWHERE.keys()
    assert not missing, f'add these actions to MATRIX (or COVERED_ELSEWHERE): {sorted(missing)}'
    assert not (MATRIX.keys() | COVERED_ELSEWHERE.keys()) - actor_actions(), 'rows for actions that are gone'


def cases() -> list[Any]:
    return [
        pytest.param(name, kind, role, id=f'{name}-{kind.value}-{role}')
        for name in MATRIX
        for kind in (KINDS[:1] if name in PER_WORKSPACE else KINDS)
        for role in ROLES
    ]


@pytest.mark.parametrize(('name', 'kind', 'role'), cases())
def test_authorization(db: None, name: str, kind: ChannelKind, role: str) -> None:
    scene = build_scene(kind)
    call, rule = MATRIX[name]
    actor = scene.people[role]
    before = {model.__name__: count_rows(model) for model in WRITTEN}
    if rule(scene, role):
        call(scene, actor)
        return
    with pytest.raises(ActionError) as refused:
        call(scene, actor)
    assert not isinstance(refused.value, RateLimited)
    assert {model.__name__: count_rows(model) for model in WRITTEN} == before, 'a refused call wrote something'
    if role == 'stranger':
        assert refused.value.code in (
            'not_found',
            'channel_not_found',
            'message_not_found',
            'invalid_scheduled_message_id',
        ), refused.value.code
