"""Every place Teamchat relies on a NiceGUI internal (written against NiceGUI 3.18.0), one function each.

NiceGUI has no public API for these; each function names the internal it relies on, and
`tests/test_nicegui_internals.py` pins its behaviour against the installed NiceGUI, so an upgrade that changes
one fails a test that names it. Callers use these functions and never the internals themselves.

- `enqueue_javascript`: `Client.outbox.enqueue_message('run_javascript', ...)`
- `props_quietly`: `Props.suspend_updates()`
- `original_expects_arguments`, `replace_expects_arguments`: `nicegui.helpers.expects_arguments`, which
  NiceGUI's modules look up on `nicegui.helpers` at every call
- `current_slot`: `Slot.get_stack()`, the current task's slot stack (asking does not enter script mode)
- `forget_delete_handler`: `Client.delete_handlers`
- `user_storage`, `open_user_storage`, `user_storage_ids`, `user_storage_file`, `remove_user_storage`: `Storage._users`,
  `Storage._create_user_storage`, and the `storage-user-{id}.json` files under `Storage.path`
- `socket_handler`: NiceGUI's socket.io handlers, registered by event name in the default namespace
- `event_listener_types`: `Element._event_listeners`, what a page listens to (the browser-event fuzz test)

Element props need no entry: `element.props` is public and a dict (`self.props['key'] = value`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import socketio
from nicegui import app, helpers
from nicegui.client import Client
from nicegui.element import Element
from nicegui.persistence import PersistentDict
from nicegui.slot import Slot
from nicegui.storage import USER_PREFIX, Storage

_USER_FILE = re.compile(rf'^storage-{re.escape(USER_PREFIX)}(?P<id>.+)\.json$')


# ---- the outbox -------------------------------------------------------------------------------------------


def enqueue_javascript(client: Client, code: str) -> None:
    """Queue `code` for the client's browser as one socket message, without the awaitable and the background
    task `client.run_javascript` makes per call (`Outbox.enqueue_message`, message type `run_javascript`)."""
    client.outbox.enqueue_message('run_javascript', {'code': code}, client.id)


# ---- element props ----------------------------------------------------------------------------------------


@contextmanager
def props_quietly(element: Element) -> Iterator[None]:
    """Inside the block, `element.props[...] = value` changes the props without sending the element to the
    browser (`Props.suspend_updates`): for props the browser side keeps itself, told through a method call."""
    with element.props.suspend_updates():
        yield


# ---- handler signatures -----------------------------------------------------------------------------------

_original_expects_arguments: Callable[[Callable[..., Any]], bool] = helpers.expects_arguments


def original_expects_arguments(func: Callable[..., Any]) -> bool:
    """NiceGUI's own "does this handler take arguments without defaults?" (`helpers.expects_arguments`)."""
    return _original_expects_arguments(func)


def replace_expects_arguments(func: Callable[[Callable[..., Any]], bool]) -> None:
    """Make NiceGUI use `func` wherever it asks `helpers.expects_arguments` (its modules look the name up on
    `nicegui.helpers` at every call, so replacing the module attribute reaches all of them)."""
    helpers.expects_arguments = func  # type: ignore[assignment]  # a function in place of a function


# ---- slots and clients ------------------------------------------------------------------------------------


def current_slot() -> Slot | None:
    """The slot the current task builds into, or None outside a page (`Slot.get_stack()`); unlike
    `ui.context`, asking does not switch NiceGUI into script mode."""
    stack = Slot.get_stack()
    return stack[-1] if stack else None


def forget_delete_handler(client: Client, handler: Callable[..., Any]) -> None:
    """Undo `client.on_delete(handler)` (there is no public way; `Client.delete_handlers`). A new list, not an
    in-place removal: this may run while `client.delete()` iterates the old one."""
    client.delete_handlers = [h for h in client.delete_handlers if h != handler]


# ---- per-browser user storage -----------------------------------------------------------------------------


def user_storage(browser_id: str) -> PersistentDict | None:
    """The loaded `app.storage.user` of the browser whose session cookie has id `browser_id`, if loaded
    (`Storage._users`)."""
    return app.storage._users.get(browser_id)


async def open_user_storage(browser_id: str) -> PersistentDict:
    """Load (or create) the user storage of `browser_id`: inside a request whose cookie id we just changed,
    `app.storage.user` finds it only after this (`Storage._create_user_storage`, which NiceGUI's request
    middleware calls for the id the request came with)."""
    storage = app.storage._users.get(browser_id)
    if storage is None:
        await app.storage._create_user_storage(browser_id)
        storage = app.storage._users[browser_id]
    return storage


def user_storage_file(browser_id: str) -> Path:
    """Where NiceGUI's file storage keeps the user storage of `browser_id` (`storage-user-{id}.json`)."""
    return Storage.path / f'storage-{USER_PREFIX}{browser_id}.json'


def user_storage_ids() -> set[str]:
    """The browser ids that have a user storage: loaded in memory, or as a file under `Storage.path`
    (`storage-user-{id}.json`, NiceGUI's file name)."""
    ids = set(app.storage._users)
    if Storage.path.is_dir():
        ids.update(m['id'] for p in Storage.path.iterdir() if (m := _USER_FILE.match(p.name)))
    return ids


def remove_user_storage(browser_id: str) -> None:
    """Forget the browser's user storage: emptied (its pending writes then delete rather than write), dropped
    from memory (`Storage._users`) and its file removed now. A later request of that browser starts empty."""
    storage = app.storage._users.pop(browser_id, None)
    path = user_storage_file(browser_id)
    if storage is not None:
        storage.clear()
        path = getattr(storage, 'filepath', path)  # FilePersistentDict: where it was opened
    path.with_name(path.name + '.tmp').unlink(missing_ok=True)
    path.unlink(missing_ok=True)


# ---- socket.io --------------------------------------------------------------------------------------------


def socket_handler(sio: socketio.AsyncServer, name: str) -> Callable[[str, Any], Any]:
    """NiceGUI's handler for socket.io event `name` (`event`, `javascript_response`, `ack`, `log`, ...), as
    NiceGUI registers it on its server (`core.sio`) in the default namespace (python-socketio keeps the
    handlers in `handlers['/']`)."""
    handler: Callable[[str, Any], Any] = sio.handlers['/'][name]
    return handler


# ---- element event listeners ------------------------------------------------------------------------------


def event_listener_types(element: Element) -> dict[str, str]:
    """Listener id -> event type of every listener on `element` (what a browser may send it)."""
    return {listener_id: listener.type for listener_id, listener in element._event_listeners.items()}
