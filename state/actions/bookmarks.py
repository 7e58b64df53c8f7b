"""Channel bookmarks: links under the channel header. Members of the channel add, edit and remove them.

Links are http(s) only: they become `href`s in every member's browser (rule 6: no unvalidated URLs). After
each change the channel's whole list is published (`BookmarksChanged`), so a bar just replaces what it shows.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session, func, select

from db.bookmark_queries import bookmark_view, bookmarks_in
from db.models import Bookmark, utcnow
from state.actions.guards import joined_channel, writable
from state.bus import channel_topic
from state.errors import InvalidInput, NotFound
from state.events import BookmarksChanged, BookmarkView
from state.render.emoji import canonical_shortcode
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import UnitOfWork, unit_of_work

MAX_BOOKMARKS = 50  # per channel: a bar, not a link directory
MAX_TITLE = 200
MAX_LINK = 2000
BOOKMARK_NOT_FOUND = 'Bookmark not found.'


def add_bookmark(actor_id: int, channel_id: int, title: str, link: str, emoji: str = '') -> BookmarkView:
    clean_title, clean_link, clean_emoji = clean_title_of(title), clean_link_of(link), clean_emoji_of(emoji)
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)
        writable(channel)
        count = session.exec(select(func.count()).select_from(Bookmark).where(Bookmark.channel_id == channel_id)).one()
        if count >= MAX_BOOKMARKS:
            raise InvalidInput(f'A channel can have at most {MAX_BOOKMARKS} bookmarks.', code='too_many_bookmarks')
        row = Bookmark(
            channel_id=channel_id, title=clean_title, link=clean_link, emoji=clean_emoji, created_by=actor_id
        )
        session.add(row)
        session.flush()
        _announce(uow, channel_id)
        return bookmark_view(row)


def edit_bookmark(
    actor_id: int,
    channel_id: int,
    bookmark_id: int,
    *,
    title: str | None = None,
    link: str | None = None,
    emoji: str | None = None,
) -> BookmarkView:
    """Change what is given; the rest stays."""
    with unit_of_work() as uow:
        session = uow.session
        row = _bookmark(session, actor_id, channel_id, bookmark_id)
        if title is not None:
            row.title = clean_title_of(title)
        if link is not None:
            row.link = clean_link_of(link)
        if emoji is not None:
            row.emoji = clean_emoji_of(emoji)
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        _announce(uow, channel_id)
        return bookmark_view(row)


def remove_bookmark(actor_id: int, channel_id: int, bookmark_id: int) -> None:
    with unit_of_work() as uow:
        session = uow.session
        session.delete(_bookmark(session, actor_id, channel_id, bookmark_id))
        session.flush()
        _announce(uow, channel_id)


def _bookmark(session: Session, actor_id: int, channel_id: int, bookmark_id: int) -> Bookmark:
    channel, _ = joined_channel(session, actor_id, channel_id)
    writable(channel)
    row = session.get(Bookmark, bookmark_id)
    if row is None or row.channel_id != channel_id:
        raise NotFound(BOOKMARK_NOT_FOUND, code='not_found')
    return row


def _announce(uow: UnitOfWork, channel_id: int) -> None:
    bookmarks = bookmarks_in(uow.session, channel_id)
    uow.publish(channel_topic(channel_id), BookmarksChanged(channel_id=channel_id, bookmarks=bookmarks))


def clean_title_of(title: str) -> str:
    text = ' '.join(strip_unsafe_characters(title or '').split())
    if not text:
        raise InvalidInput('A bookmark needs a title.', code='invalid_arguments')
    if len(text) > MAX_TITLE:
        raise InvalidInput(f'A bookmark title can be at most {MAX_TITLE} characters long.', code='too_long')
    return text


def clean_link_of(link: str) -> str:
    text = (link or '').strip()
    if not _is_web_address(text):
        raise InvalidInput('A bookmark link must be an http or https address.', code='invalid_link')
    return text


def _is_web_address(text: str) -> bool:
    if not text or len(text) > MAX_LINK or any(char.isspace() or ord(char) < 32 for char in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed [IPv6] host
        return False
    return parts.scheme.lower() in ('http', 'https') and bool(parts.netloc)


def clean_emoji_of(emoji: str) -> str:
    if not (emoji or '').strip():
        return ''
    canonical = canonical_shortcode(emoji)
    if canonical is None:
        raise InvalidInput(f'Unknown emoji {emoji!r}.', code='invalid_emoji')
    return canonical
