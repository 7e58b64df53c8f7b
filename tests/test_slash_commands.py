"""Built-in slash commands: each is the action it stands for, authorized as that action is."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from db.engine import read_session
from db.models import Channel, ChannelMember, Message, User, Workspace
from state.actions.slash_commands import SHRUG, CommandContext, is_command, run_command
from state.errors import Forbidden, InvalidInput, NotFound
from state.render import render_message
from tests.factories import RecordingBackend, World, add_member, count_rows, make_user


def _in(world: World, channel_id: int, actor_id: int | None = None) -> CommandContext:
    return CommandContext(actor_id or world.ada, world.workspace, channel_id, 'c-1')


def _bodies() -> list[str]:
    with read_session() as session:
        return list(session.exec(select(Message.body).order_by(col(Message.id))).all())


def test_what_counts_as_a_command() -> None:
    assert is_command('/me waves') and is_command('  /topic x') and is_command('/X')
    assert (
        not is_command('//not a command') and not is_command('a /me') and not is_command('/ 1') and not is_command('/')
    )


def test_me_and_shrug_post_messages(world: World, published: RecordingBackend) -> None:
    posted = run_command(_in(world, world.general), '/me waves hello').posted
    assert posted is not None and posted.body == '_waves hello_' and '<em>waves hello</em>' in posted.html
    shrugged = run_command(CommandContext(world.ada, world.workspace, world.general, 'c-2'), '/shrug fine').posted
    assert shrugged is not None and shrugged.body == f'fine {SHRUG}'
    assert '¯\\_(ツ)_/¯' in shrugged.html
    with pytest.raises(InvalidInput):
        run_command(CommandContext(world.ada, world.workspace, world.general, 'c-3'), '/me')
    assert _bodies() == ['_waves hello_', f'fine {SHRUG}']


def test_an_unknown_command_is_refused_and_posts_nothing(world: World) -> None:
    with pytest.raises(InvalidInput, match='/deploy is not a command'):
        run_command(_in(world, world.general), '/deploy now')
    assert count_rows(Message) == 0


def test_topic_invite_and_leave(world: World) -> None:
    assert run_command(_in(world, world.private), '/topic Secret plans').notice == 'Topic set to "Secret plans".'
    assert run_command(_in(world, world.private), '/invite @carl').notice == 'Carl was added.'
    with read_session() as session:
        assert session.get(Channel, world.private).topic == 'Secret plans'  # type: ignore[union-attr]
        assert session.get(ChannelMember, (world.private, world.carl)) is not None
    run_command(_in(world, world.private, world.carl), '/leave')
    with read_session() as session:
        assert session.get(ChannelMember, (world.private, world.carl)) is None
    with pytest.raises(NotFound):
        run_command(_in(world, world.private, world.carl), '/topic not mine any more')  # no longer readable
    with pytest.raises(NotFound, match='Nobody called @zed'):
        run_command(_in(world, world.general), '/invite @zed')
    with pytest.raises(Forbidden):
        run_command(_in(world, world.general), '/leave')  # everyone stays in #general


def test_msg_finds_the_longest_name_that_fits(world: World) -> None:
    lovelace = make_user('Ada Lovelace')  # and "Ada" is in the workspace already
    with read_session() as session:
        workspace = session.get(Workspace, world.workspace)
    assert workspace is not None
    add_member(workspace, lovelace)
    assert run_command(_in(world, world.general, world.bob), '/msg @ada lovelace  see you').notice == (
        'Sent to Ada Lovelace.'
    )
    with read_session() as session:
        sent = session.exec(select(Message).where(Message.body == 'see you')).one()
        members = set(session.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == sent.channel_id)))
    assert members == {world.bob, lovelace.id}
    with pytest.raises(InvalidInput):
        run_command(_in(world, world.general, world.bob), '/msg @Carl')  # no text


def _manual(user_id: int) -> str | None:
    with read_session() as session:
        user = session.get(User, user_id)
    assert user is not None
    return user.manual_status


def test_presence_commands(world: World) -> None:
    run_command(_in(world, world.general), '/away')
    assert _manual(world.ada) == 'away'
    assert (
        run_command(_in(world, world.general), '/dnd 2h').notice == 'Do not disturb for 120 minutes; /active ends it.'
    )
    assert _manual(world.ada) == 'busy'
    run_command(_in(world, world.general), '/active')
    assert _manual(world.ada) is None
    for bad in ('/dnd soon', '/dnd 0m', '/dnd 9999h'):
        with pytest.raises(InvalidInput):
            run_command(_in(world, world.general), bad)


def test_mute_toggles(world: World) -> None:
    assert run_command(_in(world, world.general), '/mute').notice == 'Channel muted.'
    assert run_command(_in(world, world.general), '/mute').notice == 'Channel unmuted.'


def test_shrug_renders_the_arms(world: World) -> None:
    class NoRefs:
        def users_with_prefix(self, prefix: str) -> list[object]:
            return []

        def channel_named(self, name: str) -> None:
            return None

    assert '¯\\_(ツ)_/¯' in render_message(SHRUG, NoRefs()).html  # type: ignore[arg-type]
