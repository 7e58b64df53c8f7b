"""The words of our e-mails: a digest of unread messages and an invitation, as text and as escaped HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from db.digest_queries import OwedMessage
from db.models import ChannelKind

NEWEST_PER_CONVERSATION = 3  # a digest shows the newest few of each conversation and counts the rest
EXCERPT_CHARS = 200
_SPACES = re.compile(r'\s+')


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: str


def excerpt(body: str) -> str:
    """Plain text on one line, cut to EXCERPT_CHARS; the HTML part escapes it (never the stored HTML)."""
    flat = _SPACES.sub(' ', body).strip()
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + '…'


def header_text(value: str) -> str:
    """Header-safe: no line breaks or other control characters (user-chosen names end up in the subject)."""
    return _SPACES.sub(' ', ''.join(ch if ch.isprintable() else ' ' for ch in value)).strip()


def permalink(base_url: str, item: OwedMessage) -> str:
    return f'{base_url}/w/{item.workspace_slug}/c/{item.channel_id}/m/{item.message_id}'


def conversation_label(item: OwedMessage) -> str:
    if item.channel_kind == ChannelKind.DIRECT.value:
        return 'a direct message'
    if item.channel_kind == ChannelKind.GROUP.value:
        return 'a group conversation'
    return f'#{item.channel_name}'


def _plural(count: int, word: str) -> str:
    return f'{count} {word}' if count == 1 else f'{count} {word}s'


def digest(items: Sequence[OwedMessage], base_url: str) -> Content:
    """One person's digest: per workspace and conversation the newest few messages, each with its link."""
    workspaces: dict[int, dict[int, list[OwedMessage]]] = {}
    names: dict[int, str] = {}
    for item in items:
        names[item.workspace_id] = item.workspace_name
        workspaces.setdefault(item.workspace_id, {}).setdefault(item.channel_id, []).append(item)
    first = header_text(names[items[0].workspace_id])
    where = first if len(names) == 1 else f'{first} and {_plural(len(names) - 1, "other workspace")}'
    subject = f'You have {_plural(len(items), "unread message")} in {where}'
    text = [subject, '']
    html = [f'<p>{escape(subject)}</p>']
    for workspace_id, conversations in workspaces.items():
        if len(names) > 1:
            text.append(f'== {names[workspace_id]} ==')
            html.append(f'<h2>{escape(names[workspace_id])}</h2>')
        for messages in conversations.values():
            label = conversation_label(messages[0])
            text.append(f'In {label}:')
            html.append(f'<h3>In {escape(label)}</h3><ul>')
            for item in messages[-NEWEST_PER_CONVERSATION:]:
                link = permalink(base_url, item)
                words = excerpt(item.body)
                text.append(f'  {item.author_name}: {words}\n  {link}')
                html.append(
                    f'<li><b>{escape(item.author_name)}</b>: {escape(words)} '
                    f'<a href="{escape(link, quote=True)}">Open</a></li>'
                )
            html.append('</ul>')
            hidden = len(messages) - NEWEST_PER_CONVERSATION
            if hidden > 0:
                text.append(f'  … and {_plural(hidden, "more message")}')
                html.append(f'<p>… and {_plural(hidden, "more message")}</p>')
            text.append('')
    footer = 'You get this because you were offline. Turn these e-mails off under your status and settings.'
    text.append(footer)
    html.append(f'<p style="color:#666">{escape(footer)}</p>')
    return Content(subject=subject, text='\n'.join(text) + '\n', html='\n'.join(html))


def invitation(workspace_name: str, inviter_name: str, link: str, expires_at: datetime) -> Content:
    subject = f'{header_text(inviter_name)} invited you to {header_text(workspace_name)}'
    until = f'{expires_at:%Y-%m-%d %H:%M} UTC'
    text = f'{subject} on Teamchat.\n\nJoin here: {link}\n\nThe link works until {until}.\n'
    html = (
        f'<p>{escape(subject)} on Teamchat.</p>'
        f'<p><a href="{escape(link, quote=True)}">Join {escape(workspace_name)}</a></p>'
        f'<p style="color:#666">The link works until {escape(until)}.</p>'
    )
    return Content(subject=subject, text=text, html=html)


def mime_message(sender: str, to: str, subject: str, text: str, html: str, at: datetime, key: str) -> EmailMessage:
    """A multipart/alternative message: the text first, the (escaped) HTML as the richer alternative."""
    message = EmailMessage()
    message['From'] = sender
    message['To'] = to
    message['Subject'] = header_text(subject)
    message['Date'] = format_datetime(at)
    # Stable per queued e-mail (`key`), so a copy sent again after a crash is recognisably the same message.
    domain = sender.rpartition('@')[2].strip('> ') or 'teamchat.invalid'
    message['Message-ID'] = f'<teamchat.{key}@{domain}>'
    message['Auto-Submitted'] = 'auto-generated'  # vacation responders must not answer it
    message.set_content(text)
    message.add_alternative(html, subtype='html')
    return message
