"""The composer's server side stays cheap per tab: a plain roster, and no element update that changes nothing."""

from __future__ import annotations

from nicegui import ui
from nicegui.observables import ObservableCollection
from nicegui.testing import User

from components.composer import Composer


async def test_roster_is_plain_and_clearing_no_files_sends_nothing(user: User) -> None:
    composers: list[Composer] = []

    @ui.page('/_test/composer')
    def page() -> None:
        composers.append(
            Composer(
                draft_key='1:2',
                placeholder='Message #general',
                max_chars=100,
                members=[(1, 'Ann'), (2, 'Bob')],
                channels=[(3, 'general')],
                emoji_url='/emoji.json',
            )
        )

    await user.open('/_test/composer')
    composer = composers[0]
    # NiceGUI wraps lists in props in observable copies (per person, per tab); tuples stay as they are.
    assert composer.props['members'] == ((1, 'Ann'), (2, 'Bob'))
    assert composer.props['channels'] == ((3, 'general'),)
    assert not any(isinstance(item, ObservableCollection) for item in composer.props['members'])

    updates = composer.client.outbox.updates
    updates.clear()
    composer.set_has_files(False)  # what every send does after clearing the (empty) file tray
    assert composer.id not in updates
    composer.set_has_files(True)
    assert composer.id in updates
    updates.clear()
    composer.set_suggestions(members=[(1, 'Ann')], channels=[])
    assert composer.props['members'] == ((1, 'Ann'),)
    assert composer.id in updates
