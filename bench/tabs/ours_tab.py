"""A tab of our app: log in through the real login form once per user, then open the channel page.

Sending goes through the composer component (its `send` event with a client message id), exactly as the
browser's composer.js emits it. Deliveries are the message list's `applyDeltas` calls; the optimistic
`pending` delta the sender's own tab gets before the commit is not a delivery and is skipped. The sender's
acknowledgement is its own tab receiving the committed message.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import quote

from bench.tabs.nicegui_tab import NiceGuiTab, PageError

LOGIN_LANDING = '/healthz'  # a plain route: the login's redirect builds no page (no stray NiceGUI client)


def delivered_deltas(raw: str) -> str:
    """The message-list calls of a frame that show committed messages.

    One run_javascript frame carries every component call of one server turn for this tab (client_calls.py),
    e.g. the sender's optimistic echo and its committed message, or a delta and a sidebar badge. The delta JSON
    sits inside the JavaScript string, so its quotes are escaped. Only message-list deltas count (a notification
    also carries the text), and not the optimistic echo.
    """
    calls = raw.split('runMethod(')[1:]
    return ''.join(c for c in calls if 'applyDeltas' in c and 'op\\":\\"pending' not in c)


class OursTab(NiceGuiTab):
    _logins: dict[str, asyncio.Lock] = {}
    _logged_in: set[str] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._composer: tuple[int, dict[str, Any]] | None = None

    def delivered(self, raw: str) -> str:
        return delivered_deltas(raw)

    async def prepare(self) -> None:
        """Log this tab's user in once (tabs of one user share the cookie jar)."""
        user = self.spec.user
        lock = self._logins.setdefault(user, asyncio.Lock())
        async with lock:
            if user not in self._logged_in:
                await self._login()
                self._logged_in.add(user)

    async def _login(self) -> None:
        await self.load(f'{self.base_url}/login?next={quote(LOGIN_LANDING)}')
        try:
            email = self.find('login-email')
            password = self.find('login-password')
            submit = self.find('login-submit')
            await self.fire(*email, 'update:value', self.spec.user)
            await self.fire(*password, 'update:value', self.spec.secret)
            await self.fire(*submit, 'click')
            await asyncio.wait_for(self.navigated.wait(), 30)
            async with self.session.get(self.base_url + self.navigate_target) as response:
                if response.status != 200 or response.url.path != LOGIN_LANDING:
                    raise PageError(f'login of {self.spec.user} ended at {response.url} ({response.status})')
        finally:
            await self.close()

    async def open(self) -> None:
        await self.load(self.spec.url)
        if '/login' in self.page_url:
            raise PageError(f'{self.spec.user} is not logged in')
        self._composer = self._find_composer()

    def _find_composer(self) -> tuple[int, dict[str, Any]]:
        for element_id, element in self.elements.items():
            listens = {event.get('type') for event in element.get('events', [])}
            if 'send' in listens and not element.get('props', {}).get('thread', False):
                return int(element_id), element
        raise PageError(f'no channel composer on {self.page_url}')

    async def send(self, text: str) -> None:
        if self._composer is None:
            raise PageError('tab is not open')
        element_id, element = self._composer
        payload = {
            'body': text,
            'client_msg_id': str(uuid.uuid4()),
            'also_in_channel': False,
            'outbox_key': element.get('props', {}).get('outbox-key'),  # the conversation it was typed in
        }
        await self.fire(element_id, element, 'send', payload)
