"""A few real headless Chromium tabs that time send-to-visible in the DOM while the load runs.

Each tab logs in through the login form as a member of the first room, opens that room's channel page and
installs a MutationObserver; when a message with a marker of the watched phase enters the DOM, it records
the browser's clock minus the marker's send time. The emulated tabs measure delivery to the socket; these
measure what a person sees, rendering included.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from bench.stats import summarize
from bench.targets.base import Target

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
LAUNCH_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
]
OBSERVER = """(phase) => {
  window.__benchSeen = {};
  const pattern = /BM(p(\\d+)w\\d+n\\d+)T(\\d{16})/g;
  new MutationObserver((mutations) => {
    const now = (performance.timeOrigin + performance.now()) * 1000;
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        for (const found of (node.textContent || '').matchAll(pattern)) {
          if (Number(found[2]) === phase && !(found[1] in window.__benchSeen)) {
            window.__benchSeen[found[1]] = (now - Number(found[3])) / 1000;
          }
        }
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}"""


class ChromiumWatchers:
    """Opens the tabs when created (blocking until they watch); `finish()` collects the latencies."""

    def __init__(self, target: Target, tabs: int, phase: int) -> None:
        self._specs = [spec for spec in target.specs(big_room=False) if spec.room == target.specs(False)[0].room]
        self._specs = self._specs[:tabs]
        self._phase = phase
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._result: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, name='chromium watchers', daemon=True)
        self._thread.start()
        self._ready.wait(180)

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self._result = {'error': 'playwright is not installed (pip install -e .[test])'}
            self._ready.set()
            return
        try:
            with sync_playwright() as playwright:
                executable = CHROMIUM if Path(CHROMIUM).exists() else None
                browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
                pages = []
                for spec in self._specs:
                    context = browser.new_context()
                    page = context.new_page()
                    parts = urlsplit(spec.url)
                    base = f'{parts.scheme}://{parts.netloc}'
                    page.goto(f'{base}/login?next={quote(parts.path)}')
                    page.get_by_test_id('login-email').fill(spec.user)
                    page.get_by_test_id('login-password').fill(spec.secret)
                    page.get_by_test_id('login-submit').click()
                    page.wait_for_url(f'**{parts.path}', timeout=60_000)
                    page.locator('[data-testid=message-list][data-mode=channel]').wait_for(timeout=60_000)
                    page.evaluate(OBSERVER, self._phase)
                    pages.append(page)
                self._ready.set()
                self._stop.wait(3600)
                latencies: list[float] = []
                for page in pages:
                    latencies.extend(page.evaluate('() => Object.values(window.__benchSeen)'))
                self._result = {'tabs': len(pages), 'send_to_visible_ms': summarize(latencies)}
                browser.close()
        except Exception as error:
            self._result = {'error': repr(error)[:500]}
        finally:
            self._ready.set()

    def finish(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join(120)
        return self._result or {'error': 'the Chromium tabs did not report'}
