"""A channel's bookmarks, in the order they were added (the bar under the channel header, bookmarks.list)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import Bookmark
from db.views import BookmarkView


def bookmark_view(row: Bookmark) -> BookmarkView:
    if row.id is None:
        raise AssertionError('bookmark has no id')
    return BookmarkView(
        id=row.id,
        channel_id=row.channel_id,
        title=row.title,
        link=row.link,
        emoji=row.emoji,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def bookmarks_in(session: Session, channel_id: int) -> tuple[BookmarkView, ...]:
    rows = session.exec(select(Bookmark).where(Bookmark.channel_id == channel_id).order_by(col(Bookmark.id))).all()
    return tuple(bookmark_view(row) for row in rows)


def channel_bookmarks(channel_id: int) -> tuple[BookmarkView, ...]:
    """Callers check first that the reader may read the channel."""
    with read_session() as session:
        return bookmarks_in(session, channel_id)
