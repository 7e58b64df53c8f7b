"""Screenshots of the running app at desktop and phone sizes, for looking at what changed (not a test).

Usage: .venv/bin/python scripts/screenshots.py URL EMAIL PASSWORD OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from e2e.conftest import CHROMIUM, LAUNCH_ARGS

SIZES = {'desktop': (1366, 860), 'phone': (390, 844)}


def log_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(f'{url}/login')
    page.get_by_test_id('login-email').fill(email)
    page.get_by_test_id('login-password').fill(password)
    page.get_by_test_id('login-submit').click()
    page.locator('.chat-main [data-testid=composer]').wait_for()


def main(url: str, email: str, password: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else None, args=LAUNCH_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_context(viewport={'width': width, 'height': height}).new_page()
            log_in(page, url, email, password)
            page.wait_for_timeout(800)  # let fonts and the list settle: this is a picture, not an assertion
            page.screenshot(path=str(out / f'{size}-channel.png'))
            threads = page.get_by_test_id('reply-count')
            if threads.count():
                threads.last.click()
                page.get_by_test_id('thread-panel').wait_for()
                page.wait_for_timeout(500)
                page.screenshot(path=str(out / f'{size}-thread.png'))
                page.get_by_test_id('thread-close').click()
            message = page.locator('[data-testid=message-list][data-mode=channel] [data-testid=message]').last
            message.hover()
            message.get_by_test_id('action-react').click()
            page.get_by_test_id('emoji-picker').wait_for()
            page.screenshot(path=str(out / f'{size}-emoji-picker.png'))
        browser.close()


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]))
