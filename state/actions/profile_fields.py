"""A person's profile fields: full name, title, pronouns and time zone (the display name is in profile.py).

Everyone in the person's workspaces hears `UserChanged` (their roster and any open profile card follow it).
A time zone must be an IANA name that this server's zoneinfo knows; '' means "not known yet", and the
browser reports its own once (`set_time_zone_if_unknown`), so a person never has to pick one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from state.actions.accounts import clean_display_name
from state.actions.guards import active_user
from state.actions.profile import publish_user_changed, user_view
from state.errors import InvalidInput
from state.events import UserView
from state.text_safety import strip_unsafe_characters
from state.time_zones import known_time_zones
from state.unit_of_work import unit_of_work

MAX_FULL_NAME = 80
MAX_TITLE = 100
MAX_PRONOUNS = 40


@dataclass(frozen=True)
class ProfileFields:
    display_name: str
    full_name: str = ''
    title: str = ''
    pronouns: str = ''
    time_zone: str = ''


def clean_time_zone(name: str) -> str:
    value = (name or '').strip()
    if value and value not in known_time_zones():
        raise InvalidInput(f'Unknown time zone: {value[:64]!r}. Use a name like Europe/Berlin.')
    return value


def update_profile(actor_id: int, fields: ProfileFields) -> UserView:
    """Set the person's own names, title, pronouns and time zone (all at once, as the edit dialog saves)."""
    display_name = clean_display_name(fields.display_name)
    full_name = _clean_line(fields.full_name, MAX_FULL_NAME, 'The full name')
    title = _clean_line(fields.title, MAX_TITLE, 'The title')
    pronouns = _clean_line(fields.pronouns, MAX_PRONOUNS, 'Pronouns')
    time_zone = clean_time_zone(fields.time_zone)
    with unit_of_work() as uow:
        user = active_user(uow.session, actor_id)
        before = (user.display_name, user.full_name, user.title, user.pronouns, user.time_zone)
        after = (display_name, full_name, title, pronouns, time_zone)
        if before == after:
            return user_view(user)
        user.display_name, user.full_name, user.title, user.pronouns, user.time_zone = after
        uow.session.add(user)
        view = user_view(user)
        publish_user_changed(uow.session, actor_id, view)
    return view


def set_time_zone_if_unknown(actor_id: int, time_zone: str) -> bool:
    """The browser's own time zone, kept only while the person has none (a choice by hand wins). True if set."""
    clean = clean_time_zone(time_zone)
    if not clean:
        return False
    with unit_of_work() as uow:
        user = active_user(uow.session, actor_id)
        if user.time_zone:
            return False
        user.time_zone = clean
        uow.session.add(user)
        publish_user_changed(uow.session, actor_id, user_view(user))
    return True


def _clean_line(value: str, limit: int, what: str) -> str:
    clean = ' '.join(strip_unsafe_characters(value or '').split())
    if len(clean) > limit:
        raise InvalidInput(f'{what} can be at most {limit} characters long.')
    return clean
