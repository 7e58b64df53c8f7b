"""Digest e-mails: what is owed (unread, offline, wanted), batching, the queue's retries, against aiosmtpd."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from db.engine import read_session
from db.models import OutgoingEmail, User, utcnow
from settings import reset_settings_cache
from state.actions import profile
from state.actions.channels import open_direct
from state.actions.messages import send_message
from state.actions.reads import mark_read
from state.email.digest_scan import scan_digests
from state.email.outbox import flush_outbox
from state.email.smtp import SmtpTarget
from state.stores import presence
from tests.factories import World, count_rows, update_row
from tests.smtp_server import SmtpServer, free_port, html_of, text_of

LATER = timedelta(minutes=11)  # past the default delay of 10 minutes


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    monkeypatch.setenv('CHAT_SMTP_URL', server.url)
    monkeypatch.setenv('CHAT_EMAIL_FROM', 'Teamchat <chat@example.com>')
    monkeypatch.setenv('CHAT_PUBLIC_URL', 'https://chat.example.com')
    reset_settings_cache()
    yield server
    server.stop()


@pytest.fixture
def started(world: World, smtp: SmtpServer) -> World:
    """E-mail was switched on before the test's messages: the first scan starts the cursor at 'now'."""
    assert scan_digests() == 0
    return world


def email_of(user_id: int) -> str:
    with read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.email


def deliver(at: datetime | None = None) -> int:
    """One scan after the delay, then the sender; returns how many digests were queued."""
    moment = at or utcnow() + LATER
    queued = scan_digests(moment)
    flush_outbox(moment)
    return queued


def test_an_unread_mention_while_offline_sends_one_digest_with_the_link(started: World, smtp: SmtpServer) -> None:
    w = started
    message = send_message(w.ada, w.general, 'Hi @Bob, the <b>deploy</b> is done', 'c1')
    assert scan_digests(utcnow()) == 0  # not yet: the delay has not passed
    assert deliver() == 1
    (mail,) = smtp.inbox.wait_for(1)
    assert mail['To'] == email_of(w.bob)
    assert mail['Subject'] == 'You have 1 unread message in Acme'
    link = f'https://chat.example.com/w/{w.slug}/c/{w.general}/m/{message.id}'
    assert link in text_of(mail)
    assert 'Ada: Hi @Bob, the <b>deploy</b> is done' in text_of(mail)
    html = html_of(mail)
    assert '&lt;b&gt;deploy&lt;/b&gt;' in html and '<b>deploy</b>' not in html  # user text is escaped
    assert f'href="{link}"' in html
    assert deliver(utcnow() + LATER + timedelta(minutes=1)) == 0  # a second scan owes nothing new
    flush_outbox(utcnow() + timedelta(hours=1))
    assert len(smtp.inbox.messages) == 1


def test_read_in_time_sends_nothing(started: World, smtp: SmtpServer) -> None:
    w = started
    message = send_message(w.ada, w.general, '@Bob please look', 'c1')
    mark_read(w.bob, w.general, message.id)
    assert deliver() == 0
    assert count_rows(OutgoingEmail) == 0


def test_someone_with_a_tab_open_gets_no_email(started: World, smtp: SmtpServer) -> None:
    w = started
    presence.store.client_connected(w.bob, 'tab-1')
    send_message(w.ada, w.general, '@Bob are you there?', 'c1')
    assert deliver() == 0
    presence.store.client_gone(w.bob, 'tab-1')
    assert deliver(utcnow() + LATER + timedelta(minutes=1)) == 0  # that message was decided while he was here


def test_the_setting_turns_digests_off(started: World, smtp: SmtpServer) -> None:
    w = started
    profile.set_email_notifications(w.bob, False)
    send_message(w.ada, w.general, '@Bob hello', 'c1')
    assert deliver() == 0
    profile.set_email_notifications(w.bob, True)
    send_message(w.ada, w.general, '@Bob hello again', 'c2')
    assert deliver(utcnow() + LATER + timedelta(minutes=1)) == 1


def test_deactivated_people_and_unmentioned_channel_messages_get_nothing(started: World, smtp: SmtpServer) -> None:
    w = started
    update_row(User, w.carl, is_active=False)
    send_message(w.ada, w.general, '@Carl hi', 'c1')
    send_message(w.ada, w.general, 'a message for nobody in particular', 'c2')
    assert deliver() == 0


def test_dms_threads_and_channel_mentions_are_batched_into_one_digest(started: World, smtp: SmtpServer) -> None:
    w = started
    dm = open_direct(w.ada, w.workspace, [w.bob])
    send_message(w.ada, dm.id, 'a direct word', 'd1')
    root = send_message(w.bob, w.general, 'my question', 'r1')
    send_message(w.ada, w.general, 'an answer in the thread', 't1', thread_root_id=root.id)
    send_message(w.carl, w.general, '@channel lunch is here', 'a1')
    for n in range(4):
        send_message(w.ada, w.private, f'@Bob note {n}', f'p{n}')
    assert deliver() == 2  # Bob's, and Ada's for the @channel
    (mail,) = [m for m in smtp.inbox.wait_for(2) if m['To'] == email_of(w.bob)]
    text = text_of(mail)
    assert mail['Subject'] == 'You have 7 unread messages in Acme'  # the thread root is his own
    assert 'In a direct message:' in text and 'a direct word' in text
    assert 'an answer in the thread' in text and 'lunch is here' in text
    assert 'note 0' not in text and 'note 3' in text and '… and 1 more message' in text  # the newest few each
    assert 'my question' not in text


def test_smtp_down_is_retried_later_and_not_lost(started: World, smtp: SmtpServer) -> None:
    w = started
    send_message(w.ada, w.general, '@Bob while the mail server is down', 'c1')
    moment = utcnow() + LATER
    assert scan_digests(moment) == 1
    closed = SmtpTarget(scheme='smtp', host='127.0.0.1', port=free_port())
    result = flush_outbox(moment, target=closed)
    assert (result.sent, result.retried) == (0, 1)
    assert flush_outbox(moment + timedelta(seconds=5)).sent == 0  # not due again yet
    assert flush_outbox(moment + timedelta(minutes=1)).sent == 1
    (mail,) = smtp.inbox.wait_for(1)
    assert 'while the mail server is down' in text_of(mail)
    with read_session() as session:
        row = session.exec(select(OutgoingEmail)).one()
    assert row.sent_at is not None and row.attempts == 2


def test_a_sender_that_crashed_holding_a_row_is_replaced_after_the_lease(started: World, smtp: SmtpServer) -> None:
    w = started
    send_message(w.ada, w.general, '@Bob crash test', 'c1')
    moment = utcnow() + LATER
    scan_digests(moment)
    from state.email.outbox import claim_due

    assert len(claim_due(moment)) == 1  # claimed, then the process "dies" before sending
    assert flush_outbox(moment + timedelta(minutes=1)).sent == 0  # still leased: nobody sends it twice
    assert flush_outbox(moment + timedelta(minutes=6)).sent == 1
    assert len(smtp.inbox.wait_for(1)) == 1


def test_nothing_happens_without_smtp(world: World) -> None:
    send_message(world.ada, world.general, '@Bob hi', 'c1')
    assert flush_outbox(utcnow() + LATER).sent == 0
    with read_session() as session:
        assert session.exec(select(OutgoingEmail).where(col(OutgoingEmail.sent_at).is_not(None))).all() == []
