"""Pins every NiceGUI internal that `seams/nicegui_internals.py` relies on, against the installed NiceGUI.

Each test is named after the internal it pins: when a NiceGUI upgrade changes one, the failing test says which
function of the seam to rewrite.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nicegui
import pytest
from nicegui import app, core, helpers, ui
from nicegui.client import Client
from nicegui.observables import ObservableDict
from nicegui.storage import Storage
from nicegui.testing import User

from seams import nicegui_internals as internals

WRITTEN_AGAINST = '3.18.0'


def test_the_seam_was_written_against_this_nicegui() -> None:
    # Not a failure by itself on an upgrade: read the other tests' results and then move this pin.
    assert nicegui.__version__ == WRITTEN_AGAINST, 'NiceGUI changed: check every function in seams/nicegui_internals.py'


async def _page_elements(user: User, path: str, count: int = 1) -> list[ui.element]:
    made: list[ui.element] = []

    @ui.page(path)
    def page() -> None:
        made.extend(ui.element('div') for _ in range(count))

    await user.open(path)
    return made


# ---- Outbox.enqueue_message -------------------------------------------------------------------------------


async def test_outbox_enqueue_message_queues_run_javascript_for_the_client(user: User) -> None:
    (element,) = await _page_elements(user, '/_test/internals/outbox')
    client = element.client
    before = len(client.outbox.messages)
    internals.enqueue_javascript(client, 'console.log(1)')
    assert list(client.outbox.messages)[before:] == [(client.id, 'run_javascript', {'code': 'console.log(1)'})]
    # the same message type and payload NiceGUI's own run_javascript sends (without its request id)
    source = inspect.getsource(Client.run_javascript)
    assert "'run_javascript'" in source and "'code'" in source


# ---- Props.suspend_updates --------------------------------------------------------------------------------


async def test_props_suspend_updates_changes_props_without_sending_the_element(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    (element,) = await _page_elements(user, '/_test/internals/props')
    updates: list[ui.element] = []
    monkeypatch.setattr(type(element), 'update', lambda self: updates.append(self))
    with internals.props_quietly(element):
        element.props['rows'] = (1, 2)
    assert updates == [] and element.props['rows'] == (1, 2)
    assert element._to_dict()['props']['rows'] == (1, 2)  # what a later full update or page load sends
    element.props['rows'] = (3,)  # outside the block: sent as before
    assert updates == [element]


def test_element_props_is_the_public_dict_of_props() -> None:
    # components set props as `self.props[key] = value`; `props` must stay the dict NiceGUI serializes
    assert isinstance(inspect.getattr_static(ui.element, 'props'), property)
    assert 'self._props' in inspect.getsource(ui.element._to_dict)


# ---- helpers.expects_arguments ----------------------------------------------------------------------------


def test_expects_arguments_is_looked_up_on_the_helpers_module_at_every_call() -> None:
    asked: list[Callable[..., Any]] = []

    def spy(func: Callable[..., Any]) -> bool:
        asked.append(func)
        return internals.original_expects_arguments(func)

    def on_change() -> None: ...

    installed = helpers.expects_arguments  # the server may have installed the cached one
    try:
        internals.replace_expects_arguments(spy)
        assert helpers.expects_arguments is spy
        ObservableDict(on_change=on_change)  # every element's props, classes and style are observables
        assert asked == [on_change]
    finally:
        internals.replace_expects_arguments(installed)
    assert helpers.expects_arguments is installed


def test_expects_arguments_answers_for_parameters_without_defaults() -> None:
    def plain() -> None: ...

    def takes(event: object) -> None: ...

    def optional(event: object = None) -> None: ...

    def varargs(*args: object, **kwargs: object) -> None: ...

    answers = [internals.original_expects_arguments(f) for f in (plain, takes, optional, varargs)]
    assert answers == [False, True, False, False]


# ---- Slot.get_stack ---------------------------------------------------------------------------------------


async def test_slot_get_stack_names_the_slot_a_page_builds_into(user: User) -> None:
    seen: list[Any] = []

    @ui.page('/_test/internals/slot')
    def page() -> None:
        with ui.element('div') as outer:
            seen.append((internals.current_slot(), outer.default_slot))

    await user.open('/_test/internals/slot')
    ((slot, expected),) = seen
    assert slot is expected


async def test_slot_get_stack_is_empty_outside_a_page_and_stays_out_of_script_mode() -> None:
    async def elsewhere() -> Any:
        return internals.current_slot()

    assert await asyncio.create_task(elsewhere()) is None
    assert not core.script_mode


# ---- Client.delete_handlers -------------------------------------------------------------------------------


async def test_client_delete_handlers_hold_what_on_delete_registered(user: User) -> None:
    (element,) = await _page_elements(user, '/_test/internals/delete-handlers')
    client = element.client
    calls: list[str] = []

    def kept() -> None:
        calls.append('kept')

    def forgotten() -> None:
        calls.append('forgotten')

    client.on_delete(kept)
    client.on_delete(forgotten)
    assert forgotten in client.delete_handlers  # stored as given, so it can be found again
    internals.forget_delete_handler(client, forgotten)
    client.delete()
    assert calls == ['kept']


# ---- Storage._users, Storage._create_user_storage, storage-user-{id}.json ---------------------------------


async def test_user_storage_is_keyed_by_the_cookie_session_id(user: User) -> None:
    ids: list[str] = []

    @ui.page('/_test/internals/storage')
    def page() -> None:
        ids.append(ui.context.client.request.session['id'])
        app.storage.user['seen'] = True

    await user.open('/_test/internals/storage')
    (browser_id,) = ids
    storage = internals.user_storage(browser_id)
    assert storage is not None and storage['seen'] is True
    assert internals.user_storage('no-such-browser') is None


async def test_create_user_storage_opens_the_storage_requests_of_that_id_use(user: User) -> None:
    storage = await internals.open_user_storage('fresh-browser')
    assert internals.user_storage('fresh-browser') is storage
    assert await internals.open_user_storage('fresh-browser') is storage  # opened once
    storage['k'] = 'v'
    await _written(_user_file('fresh-browser'))
    assert 'fresh-browser' in internals.user_storage_ids()


async def test_user_storage_files_are_named_after_the_browser_id(user: User) -> None:
    storage = await internals.open_user_storage('named-browser')
    storage['k'] = 'v'
    path = _user_file('named-browser')
    await _written(path)
    assert getattr(storage, 'filepath', None) == path
    app.storage._users.pop('named-browser')  # as after a restart: not loaded, but its file counts
    assert 'named-browser' in internals.user_storage_ids()


async def test_remove_user_storage_forgets_memory_and_file(user: User) -> None:
    storage = await internals.open_user_storage('leaving-browser')
    storage['secret'] = 'x'
    path = _user_file('leaving-browser')
    await _written(path)
    internals.remove_user_storage('leaving-browser')
    assert internals.user_storage('leaving-browser') is None and not path.exists()
    await asyncio.sleep(0.2)  # NiceGUI's pending write of the emptied dict deletes, it does not write again
    assert not path.exists()
    assert 'leaving-browser' not in internals.user_storage_ids()
    internals.remove_user_storage('never-there')  # nothing to do, no error


def _user_file(browser_id: str) -> Path:
    return Storage.path / f'storage-user-{browser_id}.json'


async def _written(path: Path) -> None:
    for _ in range(100):
        if path.exists():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f'{path} was never written')


# ---- socket.io handlers -----------------------------------------------------------------------------------


async def test_nicegui_registers_its_socket_handlers_by_event_name(user: User) -> None:
    for name in ('handshake', 'event', 'javascript_response', 'ack', 'log'):
        handler = internals.socket_handler(core.sio, name)
        assert callable(handler), name


# ---- Element._event_listeners -----------------------------------------------------------------------------


async def test_event_listener_types_lists_what_an_element_listens_to(user: User) -> None:
    (element,) = await _page_elements(user, '/_test/internals/listeners')
    element.on('custom-event', lambda: None)
    element.on('other-event', lambda: None)
    assert sorted(internals.event_listener_types(element).values()) == [
        'customEvent',
        'otherEvent',
    ]  # as Vue names them
