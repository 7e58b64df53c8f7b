"""Hand messages to the SMTP server of `CHAT_SMTP_URL` (stdlib smtplib; blocking, so callers run it off the loop)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 30.0
DEFAULT_PORTS = {'smtp': 25, 'smtp+starttls': 587, 'smtps': 465}


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str  # 'smtp' (plain), 'smtp+starttls' or 'smtps' (implicit TLS)
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:port`, `smtp+starttls://…` or `smtps://…`; user and password URL-encoded."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError('CHAT_SMTP_URL must look like smtp://user:pass@host:port (or smtp+starttls://, smtps://)')
    return SmtpTarget(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class PermanentFailure(Exception):
    """The server refused this message for good (a 5xx answer): trying again would be refused again."""


def _connect(target: SmtpTarget) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if target.scheme == 'smtps':
        client: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        if target.scheme == 'smtp+starttls':
            client.starttls(context=context)
    if target.username:
        client.login(target.username, target.password or '')
    return client


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_all(target: SmtpTarget, messages: list[EmailMessage]) -> list[Exception | None]:
    """Send over one connection; per message None (accepted), a PermanentFailure, or the temporary error.

    A connection that cannot be made fails every message temporarily (the queue tries again later).
    """
    try:
        client = _connect(target)
    except (OSError, smtplib.SMTPException) as error:
        return [error for _ in messages]
    results: list[Exception | None] = []
    try:
        for message in messages:
            try:
                client.send_message(message)
                results.append(None)
            except smtplib.SMTPServerDisconnected as error:
                results.extend(error for _ in range(len(messages) - len(results)))
                break
            except (OSError, smtplib.SMTPException) as error:
                results.append(PermanentFailure(str(error)) if _permanent(error) else error)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return results
