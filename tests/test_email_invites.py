"""Invitations by e-mail: queued with the invite, sent with the workspace and the inviter, refused without SMTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from db.models import Invite, OutgoingEmail, utcnow
from settings import reset_settings_cache
from state.actions.workspaces import accept_invite, create_invite
from state.email.outbox import flush_outbox
from state.errors import InvalidInput, NotFound, RateLimited
from state.rate_limit import LIMITS
from tests.factories import World, count_rows, make_user
from tests.smtp_server import SmtpServer, html_of, text_of


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    monkeypatch.setenv('CHAT_SMTP_URL', server.url)
    monkeypatch.setenv('CHAT_EMAIL_FROM', 'chat@example.com')
    monkeypatch.setenv('CHAT_PUBLIC_URL', 'https://chat.example.com/')
    reset_settings_cache()
    yield server
    server.stop()


def test_an_invite_is_emailed_with_its_link(world: World, smtp: SmtpServer) -> None:
    token = create_invite(world.ada, world.workspace, timedelta(days=1), 1, email=' New.Person@Example.com ')
    assert flush_outbox(utcnow()).sent == 1
    (mail,) = smtp.inbox.wait_for(1)
    assert mail['To'] == 'new.person@example.com'
    assert mail['Subject'] == 'Ada invited you to Acme'
    assert f'https://chat.example.com/join/{token}' in text_of(mail)
    assert f'href="https://chat.example.com/join/{token}"' in html_of(mail)
    newcomer = make_user('New')
    assert newcomer.id is not None
    accept_invite(newcomer.id, token)  # the e-mailed link is the real invite


def test_only_admins_can_email_invites_and_nothing_is_queued_otherwise(world: World, smtp: SmtpServer) -> None:
    with pytest.raises(NotFound):
        create_invite(world.eve, world.workspace, timedelta(days=1), 1, email='x@example.com')
    with pytest.raises(InvalidInput):
        create_invite(world.ada, world.workspace, timedelta(days=1), 1, email='not an address')
    assert count_rows(OutgoingEmail) == 0 and count_rows(Invite) == 0


def test_without_smtp_an_email_address_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput, match='E-mail is off'):
        create_invite(world.ada, world.workspace, timedelta(days=1), 1, email='x@example.com')
    assert count_rows(Invite) == 0
    create_invite(world.ada, world.workspace, timedelta(days=1), 1)  # a plain link still works


def test_invitation_emails_are_rate_limited(world: World, smtp: SmtpServer) -> None:
    for n in range(LIMITS['invite_email'].burst):
        create_invite(world.ada, world.workspace, timedelta(days=1), 1, email=f'p{n}@example.com')
    with pytest.raises(RateLimited):
        create_invite(world.ada, world.workspace, timedelta(days=1), 1, email='one-too-many@example.com')
    assert count_rows(OutgoingEmail) == LIMITS['invite_email'].burst
    create_invite(world.ada, world.workspace, timedelta(days=1), 1)  # links without e-mail are not limited by it
