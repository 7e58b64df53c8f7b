"""Apps: who may make one, what the CLI prints, and that disabling one ends its tokens at once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import ApiToken, App, User
from main import cli
from state.actions.apps import app_for_app_token, create_app, enabled_app, set_app_disabled, workspace_apps
from state.actions.tokens import token_identity
from state.bus import workspace_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import AppChanged
from tests.factories import RecordingBackend, World, count_rows


def test_an_owner_makes_an_app_with_a_bot_and_tokens_kept_only_as_hashes(world: World) -> None:
    made = create_app(world.ada, world.workspace, 'Deploy bot', events_url='https://example.test/events')
    assert made.bot_token.startswith('xoxb-') and made.app_token is None and len(made.signing_secret) == 32
    with read_session() as session:
        app = session.exec(select(App)).one()
        token = session.get(ApiToken, app.bot_token_id)
        bot = session.get(User, app.bot_user_id)
    assert token is not None and made.bot_token not in token.token_hash and token.is_bot
    assert bot is not None and bot.display_name == 'Deploy bot'
    identity = token_identity(made.bot_token)
    assert identity is not None and identity.app_id == made.id and identity.user_id == made.bot_user_id
    assert [a.event_types for a in workspace_apps(world.ada, world.workspace)] == [('app_mention', 'message')]


def test_socket_mode_apps_get_an_app_token(world: World) -> None:
    made = create_app(world.ada, world.workspace, 'Behind a firewall', socket_mode=True, event_types=('message',))
    assert made.app_token is not None and made.app_token.startswith('xapp-')
    found = app_for_app_token(made.app_token)
    assert found is not None and found.id == made.id and found.socket_mode
    assert app_for_app_token('xapp-forged') is None
    assert app_for_app_token(made.bot_token) is None  # a bot token is not an app token


def test_disabling_an_app_ends_its_tokens_and_enabling_brings_them_back(world: World) -> None:
    made = create_app(world.ada, world.workspace, 'Flaky', socket_mode=True)
    assert made.app_token is not None
    set_app_disabled(world.ada, made.id, True)
    assert token_identity(made.bot_token) is None and app_for_app_token(made.app_token) is None
    set_app_disabled(world.ada, made.id, False)
    assert token_identity(made.bot_token) is not None and app_for_app_token(made.app_token) is not None


def test_switching_an_app_tells_its_workspace(world: World, published: RecordingBackend) -> None:
    made = create_app(world.ada, world.workspace, 'Sockety', socket_mode=True)
    assert enabled_app(made.id) is not None
    set_app_disabled(world.ada, made.id, True)
    assert enabled_app(made.id) is None and enabled_app(10**12) is None
    set_app_disabled(world.ada, made.id, False)
    changes = [(topic, event.disabled) for topic, event in published.items if isinstance(event, AppChanged)]
    assert changes == [(workspace_topic(world.workspace), True), (workspace_topic(world.workspace), False)]


def test_only_owners_and_admins_manage_apps(world: World) -> None:
    made = create_app(world.ada, world.workspace, 'Mine')
    with pytest.raises(Forbidden):
        create_app(world.bob, world.workspace, 'Theirs')
    with pytest.raises(Forbidden):
        set_app_disabled(world.bob, made.id, True)
    with pytest.raises(NotFound):
        set_app_disabled(world.eve, made.id, True)  # another workspace: as if it did not exist
    with pytest.raises(NotFound):
        set_app_disabled(world.ada, 10**12, True)
    assert count_rows(App) == 1 and token_identity(made.bot_token) is not None


@pytest.mark.parametrize(('url', 'events'), [('ftp://example.test', ('message',)), ('', ('message', 'not_an_event'))])
def test_bad_urls_and_unknown_events_are_refused(world: World, url: str, events: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput):
        create_app(world.ada, world.workspace, 'Bad', events_url=url, event_types=events)
    assert count_rows(App) == 0


def test_the_cli_prints_one_name_value_per_line(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ['create-app', '--workspace', world.slug, '--name', 'Bolt', '--socket-mode', '--events', 'app_mention']
    assert cli(argv) == 0
    printed = dict(line.split('=', 1) for line in capsys.readouterr().out.split())
    assert printed['bot_token'].startswith('xoxb-') and printed['app_token'].startswith('xapp-')
    assert len(printed['signing_secret']) == 32
    assert cli(['create-app', '--workspace', 'nowhere', '--name', 'Bolt']) == 1
    assert 'no workspace' in capsys.readouterr().err
