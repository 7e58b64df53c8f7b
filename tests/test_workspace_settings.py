"""Workspace settings: who may change them, their validation, their announcement, and that the actions obey them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.models import Message, Workspace, WorkspaceRole, WorkspaceSettings, utcnow
from db.sidebar_queries import channels_for_user
from db.workspace_settings_queries import workspace_settings
from state.actions import channels, messages, workspaces
from state.actions.api_uploads import reserve_upload
from state.actions.uploads import store_upload
from state.actions.workspace_settings import SettingsChange, update_workspace_settings
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import WorkspaceSettingsChanged
from state.files.errors import FileTooLarge, UnsupportedFileType
from tests.factories import (
    add_member,
    count_rows,
    general_of,
    make_channel,
    make_user,
    make_workspace,
    recording_bus,
    update_row,
)

pytestmark = pytest.mark.usefixtures('db')


class Team:
    def __init__(self) -> None:
        self.owner, self.admin, self.member = make_user('Olga'), make_user('Adam'), make_user('Mia')
        self.workspace = make_workspace(self.owner)
        add_member(self.workspace, self.admin, WorkspaceRole.ADMIN)
        add_member(self.workspace, self.member)
        self.ws = int(self.workspace.id or 0)
        self.general = int(general_of(self.workspace).id or 0)

    def set(self, **values: object) -> dict[str, tuple[object, object]]:
        return update_workspace_settings(int(self.owner.id or 0), self.ws, SettingsChange(**values))  # type: ignore[arg-type]

    @property
    def ids(self) -> tuple[int, int, int]:
        return int(self.owner.id or 0), int(self.admin.id or 0), int(self.member.id or 0)


@pytest.fixture
def team() -> Team:
    return Team()


def test_only_owners_and_admins_change_settings_and_the_change_is_returned_and_announced(team: Team) -> None:
    _owner, admin, member = team.ids
    with pytest.raises(Forbidden, match='owners and admins'):
        update_workspace_settings(member, team.ws, SettingsChange(name='Mine now'))
    assert count_rows(WorkspaceSettings) == 0
    with recording_bus() as bus:
        changes = update_workspace_settings(admin, team.ws, SettingsChange(name='Acme Labs', icon_emoji=':rocket:'))
        assert update_workspace_settings(admin, team.ws, SettingsChange(name='Acme Labs')) == {}  # nothing new
    assert changes == {'name': ('Acme', 'Acme Labs'), 'icon_emoji': ('', '🚀')}
    [(topic, event)] = bus.of_type(WorkspaceSettingsChanged)
    assert topic == f'workspace:{team.ws}' and (event.name, event.icon_emoji) == ('Acme Labs', '🚀')
    outsider = make_user('Otto')
    make_workspace(outsider, 'Elsewhere')
    with pytest.raises(NotFound):
        update_workspace_settings(int(outsider.id or 0), team.ws, SettingsChange(name='Taken'))


@pytest.mark.parametrize(
    ('change', 'says'),
    [
        (SettingsChange(name='   '), 'workspace name'),
        (SettingsChange(icon_emoji='not-an-emoji'), 'is not an emoji'),
        (SettingsChange(channel_creators='robots'), '"everyone" or "admins"'),
        (SettingsChange(edit_window_minutes=-1), 'between 0'),
        (SettingsChange(delete_others='everyone'), '"admins" or "nobody"'),
        (SettingsChange(extra_upload_types=['application/x-executable']), 'Programs and scripts'),
        (SettingsChange(extra_upload_types=['nonsense']), 'Not a file type'),
        (SettingsChange(max_upload_mb=10_000), 'between'),
        (SettingsChange(default_channel_ids=[999_999]), 'open public channels'),
    ],
)
def test_bad_settings_are_refused_with_a_sentence_and_nothing_is_written(
    team: Team, change: SettingsChange, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        update_workspace_settings(team.ids[0], team.ws, change)
    assert count_rows(WorkspaceSettings) == 0


def test_members_cannot_create_channels_when_only_admins_may(team: Team) -> None:
    owner, admin, member = team.ids
    channels.create_channel(member, team.ws, 'before')  # the default: everyone (but guests)
    team.set(channel_creators='admins')
    with pytest.raises(Forbidden, match='Only workspace owners and admins can create channels'):
        channels.create_channel(member, team.ws, 'after')
    channels.create_channel(admin, team.ws, 'by-admin')
    channels.create_channel(owner, team.ws, 'by-owner')


def test_an_edit_after_the_window_is_refused(team: Team) -> None:
    member = team.ids[2]
    fresh = messages.send_message(member, team.general, 'just now', 'c-1')
    old = messages.send_message(member, team.general, 'long ago', 'c-2')
    update_row(Message, old.id, created_at=utcnow() - timedelta(minutes=16))
    messages.edit_message(member, old.id, 'no window yet: fine')  # 0 = unlimited
    team.set(edit_window_minutes=15)
    with pytest.raises(Forbidden, match='first 15 minutes') as refused:
        messages.edit_message(member, old.id, 'too late')
    assert refused.value.code == 'edit_window_closed'
    assert messages.edit_message(member, fresh.id, 'still in time').body == 'still in time'


def test_nobody_deletes_others_messages_when_the_workspace_says_so(team: Team) -> None:
    owner, admin, member = team.ids
    first = messages.send_message(member, team.general, 'one', 'd-1')
    second = messages.send_message(member, team.general, 'two', 'd-2')
    with pytest.raises(Forbidden, match='your own'):
        messages.delete_message(make_member(team), first.id)  # a member never deletes another's message
    messages.delete_message(admin, first.id)  # the default: admins may
    team.set(delete_others='nobody')
    with pytest.raises(Forbidden, match='nobody deletes'):
        messages.delete_message(owner, second.id)
    messages.delete_message(member, second.id)  # the author still may


def make_member(team: Team) -> int:
    other = make_user('Nina')
    add_member(team.workspace, other)
    return int(other.id or 0)


def test_uploads_obey_the_workspace_size_limit_and_types(team: Team) -> None:
    member = team.ids[2]
    team.set(max_upload_mb=0.01)  # about 10 KB
    with pytest.raises(FileTooLarge, match='10'):
        store_upload(member, team.general, 'big.txt', [b'x' * 20_000], 'text/plain')
    with pytest.raises(FileTooLarge):
        reserve_upload(member, team.ws, 'big.txt', 20_000)
    assert store_upload(member, team.general, 'small.txt', [b'fits'], 'text/plain').size == 4
    wav = b'RIFF' + (36).to_bytes(4, 'little') + b'WAVEfmt ' + bytes(28)
    with pytest.raises(UnsupportedFileType):
        store_upload(member, team.general, 'a.wav', [wav])
    team.set(extra_upload_types=['audio/*'])
    assert store_upload(member, team.general, 'b.wav', [wav]).mime.startswith('audio/')


def test_newcomers_join_the_default_channels(team: Team) -> None:
    owner = team.ids[0]
    news = make_channel(team.workspace, 'news', [team.owner])
    team.set(default_channel_ids=[int(news.id or 0)])
    assert workspace_settings(team.ws).default_channel_ids == str(news.id)
    token = workspaces.create_invite(owner, team.ws, timedelta(days=1), 5)
    newcomer = make_user('Nora')
    workspaces.accept_invite(int(newcomer.id or 0), token)
    names = {entry.name for entry in channels_for_user(int(newcomer.id or 0), team.ws)}
    assert {'general', 'news'} <= names


def test_workspace_without_a_row_has_the_defaults(team: Team) -> None:
    found = workspace_settings(team.ws)
    assert (found.channel_creators, found.edit_window_minutes, found.delete_others) == ('everyone', 0, 'admins')
    assert isinstance(team.workspace, Workspace)
