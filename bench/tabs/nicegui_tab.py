"""A NiceGUI browser tab without a browser: the page GET, then the socket a browser opens for it.

What nicegui.js does, and so what this does: read the element tree and the socket query from the page HTML,
connect to `/_nicegui_ws/socket.io` with `client_id`, `next_message_id`, `implicit_handshake`, a tab id and a
document id, acknowledge received message ids every few seconds, and answer JavaScript requests (with null:
there is no DOM here). Element events go out as `event` messages naming the element and its listener.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
import uuid
from typing import Any

from bench.sio_wire import WireSocket
from bench.tabs.socket_tab import SocketTab

SOCKET_PATH = '_nicegui_ws/socket.io'
_ELEMENTS_RE = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
_QUERY_RE = re.compile(r'query: (\{.*?\}),\n', re.S)
_MESSAGE_ID_RE = re.compile(r'"_id":(\d+)\}\]$')
_UNESCAPES = (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&'))


def camel_case(name: str) -> str:
    head, *rest = name.split('-')
    return head + ''.join(part[:1].upper() + part[1:] for part in rest)


class PageError(Exception):
    pass


def parse_page(html: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The element tree and the socket.io query that NiceGUI embeds in a page."""
    elements_match = _ELEMENTS_RE.search(html)
    query_match = _QUERY_RE.search(html)
    if elements_match is None or query_match is None:
        raise PageError('not a NiceGUI page')
    raw = elements_match.group(1)
    for escaped, plain in _UNESCAPES:
        raw = raw.replace(escaped, plain)
    return json.loads(raw), ast.literal_eval(query_match.group(1))  # the query is rendered as a Python dict


class NiceGuiTab(SocketTab):
    """A connected NiceGUI page. Subclasses say how a message is sent from it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements: dict[str, dict[str, Any]] = {}
        self.client_id = ''
        self.page_url = ''
        self.tab_id = str(uuid.uuid4())  # nicegui.js keeps it in sessionStorage: the same across reloads
        self.document_id = ''
        self._next_message_id = 0
        self._acked_message_id = -1
        self.navigated = asyncio.Event()
        self.navigate_target = ''

    @property
    def base_url(self) -> str:
        scheme, rest = self.spec.url.split('://', 1)
        return f'{scheme}://{rest.split("/", 1)[0]}'

    async def load(self, url: str) -> None:
        """GET the page and connect its socket (a tab opening or reloading `url`)."""
        # Connection: close, so the websocket below gets its own TCP connection as in a browser. On a reused
        # keep-alive connection uvicorn's keep-alive timer drops the upgraded socket five seconds later.
        async with self.session.get(url, headers={'Connection': 'close'}) as response:
            html = await response.text()
            if response.status != 200:
                raise PageError(f'GET {url} answered {response.status}')
            self.page_url = str(response.url)
        if 'BMp' in html and (shown := self.delivered(html)):
            self.sink(self, shown)  # a (re)loaded page that shows messages delivers them (naive: its history)
        self.elements, query = parse_page(html)
        self.client_id = str(query['client_id'])
        self.document_id = str(uuid.uuid4())
        self._next_message_id = int(query.get('next_message_id', 0))
        self._acked_message_id = -1
        self.navigated.clear()
        try:
            socket = await self._connect()
        except TimeoutError:
            # nicegui.js answers a timed-out first attempt by falling back to long polling for the same page, and
            # reloads only when that times out too; a second websocket attempt stands in for the polling one.
            self.notice(self, 'connect retried')
            socket = await self._connect()
        self.attach(socket)

    async def _connect(self) -> WireSocket:
        socket = WireSocket(self.session, self._on_frame)
        await socket.connect(
            self.base_url,
            SOCKET_PATH,
            {
                'client_id': self.client_id,
                'next_message_id': str(self._next_message_id),  # nicegui.js updates it before each reconnect
                'implicit_handshake': 'true',
                'document_id': self.document_id,
                'tab_id': self.tab_id,
            },
        )
        return socket

    async def reconnect(self) -> WireSocket:
        return await self._connect()

    async def open(self) -> None:
        await self.load(self.spec.url)

    async def keepalive(self) -> None:
        socket = self._socket
        if socket is None or not socket.connected or self._acked_message_id >= self._next_message_id:
            return
        await socket.emit('ack', {'client_id': self.client_id, 'next_message_id': self._next_message_id})
        self._acked_message_id = self._next_message_id

    def _on_frame(self, raw: str) -> None:
        tail = _MESSAGE_ID_RE.search(raw, max(0, len(raw) - 40))
        if tail is not None:
            self._next_message_id = int(tail.group(1)) + 1
        if raw.startswith('42["open"'):
            self.navigate_target = str(json.loads(raw[2:])[1].get('path', ''))
            self.navigated.set()
        elif '"request_id":"' in raw and raw.startswith('42["run_javascript"'):
            request_id = json.loads(raw[2:])[1].get('request_id')
            if request_id:
                asyncio.get_running_loop().create_task(self._answer_javascript(request_id))
        if 'BMp' in raw and (shown := self.delivered(raw)):
            self.sink(self, shown)

    def delivered(self, raw: str) -> str:
        """The part of a frame with a marker that shows delivered messages (not, say, an optimistic echo)."""
        return raw

    async def _answer_javascript(self, request_id: str) -> None:
        socket = self._socket
        if socket is not None and socket.connected:
            await socket.emit(
                'javascript_response', {'request_id': request_id, 'client_id': self.client_id, 'result': None}
            )

    def find(self, test_id: str) -> tuple[int, dict[str, Any]]:
        """The element with this data-testid in the page as it was loaded."""
        for element_id, element in self.elements.items():
            if element.get('props', {}).get('data-testid') == test_id:
                return int(element_id), element
        raise PageError(f'no element with data-testid={test_id} on {self.page_url}')

    async def fire(self, element_id: int, element: dict[str, Any], event_type: str, *args: Any) -> None:
        """Send an element event as the browser would (each argument JSON-encoded on its own)."""
        names = {event_type, camel_case(event_type)}  # NiceGUI sends `load-older` listeners as `loadOlder`
        listeners = [e for e in element.get('events', []) if e.get('type') in names]
        if not listeners:
            raise PageError(f'element {element_id} has no {event_type} listener')
        socket = await self.live_socket()
        await socket.emit(
            'event',
            {
                'id': element_id,
                'client_id': self.client_id,
                'listener_id': listeners[0]['listener_id'],
                'args': [json.dumps(arg) for arg in args],
            },
        )


class NaiveTab(NiceGuiTab):
    """The naive NiceGUI page: its composer takes a `send` event carrying the text."""

    async def send(self, text: str) -> None:
        element_id, element = self.find('composer')
        await self.fire(element_id, element, 'send', text)
