"""Send, edit, delete: what is stored, exactly which events go to exactly which topics, and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from db.engine import get_engine, read_session
from db.models import Attachment, Channel, ChannelMember, Mention, Message, WorkspaceMember, WorkspaceRole
from db.paging import latest_messages, thread_messages
from db.view_builders import message_view
from state.actions.message_refs import MAX_LOOKUPS
from state.actions.messages import delete_message, edit_message, send_message
from state.bus import bus, channel_topic, thread_topic, user_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import Event, MessageCreated, MessageDeleted, MessageUpdated, ThreadReplied
from state.stores import typing
from tests.factories import (
    RecordingBackend,
    World,
    add_row,
    count_rows,
    update_row,
)

pytestmark = pytest.mark.usefixtures('db')


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _message(message_id: int) -> Message:
    with read_session() as session:
        row = session.get(Message, message_id)
        assert row is not None
        return row


# ---- sending ----------------------------------------------------------------------------------------------


def test_send_stores_renders_and_publishes_to_the_channel(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, '  **hi** all  ', 'c-1')
    assert view.body == '**hi** all'
    assert view.html == '<p><strong>hi</strong> all</p>'
    assert view.author_name == 'Ada' and view.channel_id == world.general and view.client_msg_id == 'c-1'
    assert published.types() == [
        (channel_topic(world.general), 'message.created'),
        (user_topic(world.ada), 'read.moved'),
    ]
    created = published.items[0][1]
    assert isinstance(created, MessageCreated) and created.message == view and created.workspace_id == world.workspace
    with read_session() as session:
        stored = session.get(Message, view.id)
        assert stored is not None and stored.html == view.html
        channel_member = session.get(ChannelMember, (world.general, world.ada))
        assert channel_member is not None and channel_member.last_read_message_id == view.id
    assert [m.id for m in latest_messages(world.general)] == [view.id]


def test_mentions_notify_members_only(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.private, 'ping @Bob and @Carl and @Ada', 'c-1')
    created = published.of_type(MessageCreated)
    assert [topic for topic, _ in created] == [channel_topic(world.private), user_topic(world.bob)]
    event = created[0][1]
    assert isinstance(event, MessageCreated) and event.mentioned_user_ids == (world.bob,)
    assert 'data-user-id="' + str(world.carl) + '"' in view.html  # still rendered as a mention
    with read_session() as session:
        rows = session.exec(select(Mention)).all()
        assert [(row.user_id, row.message_id, row.channel_id) for row in rows] == [(world.bob, view.id, world.private)]


def test_broadcast_mention_is_flagged(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, 'heads up @here', 'c-1')
    created = published.of_type(MessageCreated)[0][1]
    assert isinstance(created, MessageCreated) and created.mentions_all
    assert _message(view.id).mentions_all


def test_thread_reply_goes_to_the_thread_and_summarises_in_the_channel(
    world: World, published: RecordingBackend
) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    published.clear()
    reply = send_message(world.bob, world.general, 'reply', 'c-2', thread_root_id=root.id)
    assert reply.thread_root_id == root.id
    assert published.types() == [
        (thread_topic(root.id), 'message.created'),
        (channel_topic(world.general), 'thread.replied'),
        (user_topic(world.ada), 'message.created'),  # the thread's author follows it
    ]
    summary = published.items[1][1]
    assert isinstance(summary, ThreadReplied)
    assert (summary.root_id, summary.reply_id, summary.reply_count, summary.reply_user_ids) == (
        root.id,
        reply.id,
        1,
        (world.bob,),
    )
    assert _message(root.id).reply_count == 1
    assert [m.id for m in latest_messages(world.general)] == [root.id]  # replies stay in the thread
    found = thread_messages(root.id)
    assert found is not None and [m.id for m in found[1]] == [reply.id]


def test_reply_also_sent_to_the_channel(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    published.clear()
    reply = send_message(world.bob, world.general, 'both', 'c-2', thread_root_id=root.id, also_in_channel=True)
    assert published.types() == [
        (channel_topic(world.general), 'message.created'),
        (thread_topic(root.id), 'message.created'),
        (channel_topic(world.general), 'thread.replied'),
        (user_topic(world.ada), 'message.created'),
        (user_topic(world.bob), 'read.moved'),
    ]
    assert [m.id for m in latest_messages(world.general)] == [root.id, reply.id]


def test_thread_followers_hear_of_replies_but_not_of_their_own(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    send_message(world.bob, world.general, 'first reply', 'c-2', thread_root_id=root.id)
    published.clear()
    send_message(world.ada, world.general, 'second reply', 'c-3', thread_root_id=root.id)
    followers = [topic for topic, event in published.items if isinstance(event, MessageCreated)]
    assert followers == [thread_topic(root.id), user_topic(world.bob)]  # Bob replied before; Ada wrote this one


def test_a_retried_send_returns_the_first_message_and_publishes_nothing(
    world: World, published: RecordingBackend
) -> None:
    first = send_message(world.ada, world.general, 'once', 'same-id')
    published.clear()
    again = send_message(world.ada, world.general, 'once', 'same-id')
    assert again == first
    assert published.items == []
    assert count_rows(Message) == 1


def test_a_client_msg_id_cannot_move_to_another_conversation(world: World, published: RecordingBackend) -> None:
    send_message(world.ada, world.general, 'once', 'same-id')
    published.clear()
    with pytest.raises(Conflict):
        send_message(world.ada, world.side, 'elsewhere', 'same-id')
    assert published.items == [] and count_rows(Message) == 1


def test_different_authors_may_reuse_a_client_msg_id(world: World, published: RecordingBackend) -> None:
    a = send_message(world.ada, world.general, 'a', 'x')
    b = send_message(world.bob, world.general, 'b', 'x')
    assert a.id != b.id


@pytest.mark.parametrize(
    ('body', 'message'),
    [('', 'cannot be empty'), ('   \n\t ', 'cannot be empty'), ('x' * 4001, 'at most 4,000 characters')],
)
def test_bad_bodies_are_refused(world: World, published: RecordingBackend, body: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        send_message(world.ada, world.general, body, 'c-1')
    assert published.items == [] and count_rows(Message) == 0


def test_exactly_the_limit_is_fine(world: World, published: RecordingBackend) -> None:
    assert len(send_message(world.ada, world.general, 'x' * 4000, 'c-1').body) == 4000


@pytest.mark.parametrize(
    ('who', 'where', 'error'),
    [
        ('carl', 'private', NotFound),  # cannot even see it
        ('eve', 'general', NotFound),  # another workspace
        ('carl', 'side', Forbidden),  # public, but not joined
        ('ada', 'forged', NotFound),
    ],
)
def test_unauthorized_sends_write_nothing(
    world: World, published: RecordingBackend, who: str, where: str, error: type[Exception]
) -> None:
    channel_id = 999_999 if where == 'forged' else getattr(world, where)
    with pytest.raises(error):
        send_message(getattr(world, who), channel_id, 'hello', 'c-1')
    assert published.items == [] and count_rows(Message) == 0


def test_archived_channels_are_read_only(world: World, published: RecordingBackend) -> None:
    update_row(Channel, world.side, archived=True)
    with pytest.raises(Forbidden, match='archived'):
        send_message(world.ada, world.side, 'hello', 'c-1')
    assert published.items == []


def test_bad_thread_roots(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    reply = send_message(world.ada, world.general, 'r', 'c-2', thread_root_id=root.id)
    elsewhere = send_message(world.ada, world.side, 'other', 'c-3')
    published.clear()
    with pytest.raises(InvalidInput, match='top-level'):
        send_message(world.ada, world.general, 'x', 'c-4', thread_root_id=reply.id)
    with pytest.raises(NotFound):
        send_message(world.ada, world.general, 'x', 'c-5', thread_root_id=elsewhere.id)
    with pytest.raises(NotFound):
        send_message(world.ada, world.general, 'x', 'c-6', thread_root_id=123_456)
    assert published.items == [] and count_rows(Message) == 3


def test_nothing_is_published_when_the_commit_fails(
    world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_commit(self: Session) -> None:
        raise RuntimeError('disk on fire')

    monkeypatch.setattr(Session, 'commit', broken_commit)
    with pytest.raises(RuntimeError, match='disk on fire'):
        send_message(world.ada, world.general, 'hello', 'c-1')
    monkeypatch.undo()
    assert published.items == [] and count_rows(Message) == 0


def test_a_raising_subscriber_does_not_stop_the_others(world: World, published: RecordingBackend) -> None:
    seen: list[Event] = []

    def explode(event: Event) -> None:
        raise ValueError('subscriber bug')

    bus.subscribe(channel_topic(world.general), explode)
    bus.subscribe(channel_topic(world.general), seen.append)
    view = send_message(world.ada, world.general, 'hello', 'c-1')
    assert [e.message.id for e in seen if isinstance(e, MessageCreated)] == [view.id]


def test_sending_stops_the_typing_indicator(world: World, published: RecordingBackend) -> None:
    typing.typing_started(world.ada, 'Ada', world.general)
    published.clear()
    send_message(world.ada, world.general, 'done typing', 'c-1')
    assert published.types()[-1] == ('typing:' + str(world.general), 'typing.changed')
    assert typing.typers(world.general) == []


# ---- attachments ------------------------------------------------------------------------------------------


def _pending_upload(uploader: int, channel_id: int, public_id: str) -> None:
    add_row(
        Attachment(
            public_id=public_id,
            channel_id=channel_id,
            uploader_id=uploader,
            sha256='0' * 64,
            name='a.txt',
            size=3,
            mime='text/plain',
        )
    )


def test_pending_uploads_are_linked_and_allow_an_empty_text(world: World, published: RecordingBackend) -> None:
    _pending_upload(world.ada, world.general, 'pub-1')
    view = send_message(world.ada, world.general, '', 'c-1', attachment_ids=['pub-1'])
    assert [a.id for a in view.attachments] == ['pub-1']
    assert view.body == ''


def test_a_sent_message_is_announced_exactly_as_it_reads_back(world: World, published: RecordingBackend) -> None:
    _pending_upload(world.ada, world.general, 'pub-2')
    _pending_upload(world.ada, world.general, 'pub-1')
    root = send_message(world.bob, world.general, 'root', 'c-0')
    sent = send_message(
        world.ada,
        world.general,
        'see @Bob',
        'c-1',
        thread_root_id=root.id,
        also_in_channel=True,
        attachment_ids=['pub-1', 'pub-2'],
    )
    assert sent == message_view(sent.id)  # built without queries, equal to the stored message's view
    assert [a.id for a in sent.attachments] == ['pub-2', 'pub-1']  # in upload order


@pytest.mark.parametrize(('uploader', 'channel'), [('bob', 'general'), ('ada', 'side')])
def test_foreign_or_misplaced_uploads_are_refused(
    world: World, published: RecordingBackend, uploader: str, channel: str
) -> None:
    _pending_upload(getattr(world, uploader), getattr(world, channel), 'pub-1')
    with pytest.raises(NotFound):
        send_message(world.ada, world.general, 'file', 'c-1', attachment_ids=['pub-1'])
    assert published.items == [] and count_rows(Message) == 0


# ---- editing ----------------------------------------------------------------------------------------------


def test_edit_rerenders_and_publishes_an_update(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, 'hello', 'c-1')
    published.clear()
    edited = edit_message(world.ada, view.id, 'hello **@Bob**')
    assert edited.edited_at is not None
    assert f'data-user-id="{world.bob}"' in edited.html
    assert published.types() == [
        (channel_topic(world.general), 'message.updated'),
        (thread_topic(view.id), 'message.updated'),
    ]
    assert count_rows(Mention, user_id=world.bob) == 1
    edit_message(world.ada, view.id, 'no mention now')
    assert count_rows(Mention, user_id=world.bob) == 0


def test_unchanged_edit_publishes_nothing(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, 'hello', 'c-1')
    published.clear()
    assert edit_message(world.ada, view.id, ' hello ').edited_at is None
    assert published.items == []


def test_edit_refusals(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, 'hello', 'c-1')
    secret = send_message(world.ada, world.private, 'secret', 'c-2')
    published.clear()
    with pytest.raises(Forbidden, match='your own'):
        edit_message(world.bob, view.id, 'hijack')
    with pytest.raises(NotFound):
        edit_message(world.carl, secret.id, 'peek')
    with pytest.raises(InvalidInput):
        edit_message(world.ada, view.id, '   ')
    with pytest.raises(NotFound):
        edit_message(world.ada, 424_242, 'ghost')
    assert published.items == []
    assert _message(view.id).body == 'hello'


# ---- deleting ---------------------------------------------------------------------------------------------


def test_delete_erases_and_publishes(world: World, published: RecordingBackend) -> None:
    view = send_message(world.ada, world.general, 'oops @Bob', 'c-1')
    published.clear()
    delete_message(world.ada, view.id)
    assert published.types() == [
        (channel_topic(world.general), 'message.deleted'),
        (thread_topic(view.id), 'message.deleted'),
    ]
    stored = _message(view.id)
    assert stored.deleted_at is not None and stored.body == '' and stored.html == ''
    assert count_rows(Mention) == 0
    assert latest_messages(world.general) == []
    with pytest.raises(NotFound):
        delete_message(world.ada, view.id)


def test_only_the_author_or_an_admin_deletes(world: World, published: RecordingBackend) -> None:
    view = send_message(world.bob, world.general, 'mine', 'c-1')
    published.clear()
    with pytest.raises(Forbidden):
        delete_message(world.carl, view.id)
    assert published.items == [] and _message(view.id).deleted_at is None
    delete_message(world.ada, view.id)  # ada owns the workspace
    assert _message(view.id).deleted_at is not None


def test_a_member_made_admin_may_delete(world: World, published: RecordingBackend) -> None:
    view = send_message(world.bob, world.general, 'mine', 'c-1')
    update_row(WorkspaceMember, (world.workspace, world.carl), role=WorkspaceRole.ADMIN)
    delete_message(world.carl, view.id)
    assert _message(view.id).deleted_at is not None


def test_deleting_a_root_with_replies_leaves_a_placeholder(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    send_message(world.bob, world.general, 'reply', 'c-2', thread_root_id=root.id)
    published.clear()
    delete_message(world.ada, root.id)
    assert published.types() == [
        (channel_topic(world.general), 'message.updated'),
        (thread_topic(root.id), 'message.updated'),
    ]
    placeholder = published.items[0][1]
    assert isinstance(placeholder, MessageUpdated) and placeholder.message.deleted
    assert 'This message was deleted.' in placeholder.message.html
    listed = latest_messages(world.general)
    assert [(m.id, m.deleted, m.body) for m in listed] == [(root.id, True, '')]


def test_deleting_a_reply_shrinks_the_summary(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    reply = send_message(world.bob, world.general, 'reply', 'c-2', thread_root_id=root.id)
    published.clear()
    delete_message(world.bob, reply.id)
    assert published.types() == [
        (thread_topic(root.id), 'message.deleted'),
        (channel_topic(world.general), 'message.updated'),
        (thread_topic(root.id), 'message.updated'),
    ]
    updated = published.items[1][1]
    assert isinstance(updated, MessageUpdated) and updated.message.reply_count == 0
    assert _message(root.id).reply_count == 0


def test_last_reply_of_a_deleted_root_removes_the_placeholder(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    reply = send_message(world.bob, world.general, 'reply', 'c-2', thread_root_id=root.id)
    delete_message(world.ada, root.id)
    published.clear()
    delete_message(world.bob, reply.id)
    deleted = [(topic, event.message_id) for topic, event in published.of_type(MessageDeleted)]
    assert deleted == [
        (thread_topic(root.id), reply.id),
        (channel_topic(world.general), root.id),
        (thread_topic(root.id), root.id),
    ]
    assert latest_messages(world.general) == []


def test_a_text_full_of_names_costs_a_bounded_number_of_lookups(world: World, published: RecordingBackend) -> None:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    body = ' '.join(f'@n{i} #c{i}' for i in range(300)) + ' @Bob'
    event.listen(get_engine(), 'before_cursor_execute', record)
    try:
        view = send_message(world.ada, world.general, body, 'c-1')
    finally:
        event.remove(get_engine(), 'before_cursor_execute', record)
    assert len(statements) < MAX_LOOKUPS + 25
    assert view.body == body  # the text is kept; names beyond the budget simply stay plain text
