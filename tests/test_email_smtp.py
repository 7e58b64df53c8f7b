"""CHAT_SMTP_URL and the SMTP client: schemes, credentials, permanent versus temporary refusals."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import ValidationError

from settings import Settings
from state.email.smtp import PermanentFailure, SmtpTarget, parse_smtp_url, send_all
from tests.smtp_server import free_port


def test_the_three_schemes_and_their_default_ports() -> None:
    assert parse_smtp_url('smtp://relay') == SmtpTarget('smtp', 'relay', 25)
    assert parse_smtp_url('smtp+starttls://me%40x.org:p%40ss@mail.x.org') == SmtpTarget(
        'smtp+starttls', 'mail.x.org', 587, 'me@x.org', 'p@ss'
    )
    assert parse_smtp_url('smtps://u:p@mail.x.org:2465') == SmtpTarget('smtps', 'mail.x.org', 2465, 'u', 'p')


@pytest.mark.parametrize('url', ['http://mail.x.org', 'mail.x.org:25', 'smtp+ssl://mail.x.org'])
def test_an_unknown_scheme_stops_the_server_at_start(url: str) -> None:
    with pytest.raises(ValidationError, match='CHAT_SMTP_URL'):
        Settings(smtp_url=url)


def test_email_is_on_only_with_a_server_and_a_sender() -> None:
    assert not Settings(smtp_url='smtp://relay').email_enabled
    assert not Settings(email_from='chat@x.org').email_enabled
    assert Settings(smtp_url='smtp://relay', email_from='chat@x.org').email_enabled


class _Refusing:
    """Refuses one address for good (550) and another for now (451)."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith('gone@'):
            return '550 no such mailbox'
        if address.startswith('full@'):
            return '451 try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return '250 OK'


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message['From'], message['To'], message['Subject'] = 'chat@example.com', to, 'hello'
    message.set_content('hi')
    return message


def test_5xx_is_permanent_4xx_and_a_dead_server_are_temporary() -> None:
    port = free_port()
    controller = Controller(_Refusing(), hostname='127.0.0.1', port=port)
    controller.start()
    try:
        target = SmtpTarget('smtp', '127.0.0.1', port)
        ok, gone, full = send_all(target, [_message(a) for a in ('ok@x.org', 'gone@x.org', 'full@x.org')])
    finally:
        controller.stop()
    assert ok is None
    assert isinstance(gone, PermanentFailure)
    assert full is not None and not isinstance(full, PermanentFailure)
    (down,) = send_all(SmtpTarget('smtp', '127.0.0.1', free_port()), [_message('ok@x.org')])
    assert isinstance(down, OSError)
