"""The Content-Security-Policy in a real browser: log-in, chat, emoji, thread and an image upload break no rule."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.test_attachments import give_files, pending, png

# Runs before any page script: every violation the browser reports lands in window.__cspViolations.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}`);
});
"""


def _watch(context: BrowserContext, page: Page) -> list[str]:
    """Console lines about the policy (Chromium logs each refusal), collected from now on."""
    context.add_init_script(_RECORD_VIOLATIONS)
    lines: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if 'Content Security Policy' in message.text:
            lines.append(message.text)

    page.on('console', on_console)
    return lines


def _violations(page: Page) -> list[str]:
    return list(page.evaluate('window.__cspViolations'))


def test_login_page_runs_under_the_policy(browser: Browser, server: ServerProcess) -> None:
    context = browser.new_context()
    page = context.new_page()
    console = _watch(context, page)
    response = page.goto(f'{server.url}/login')
    assert response is not None and "frame-ancestors 'none'" in response.headers['content-security-policy']
    page.get_by_test_id('login-email').fill('nobody@example.com')
    page.get_by_test_id('login-password').fill('not the password')
    page.get_by_test_id('login-submit').click()
    expect(page.get_by_text('Wrong email or password')).to_be_visible()  # the socket and the handlers work
    assert _violations(page) == [] and console == []
    context.close()


def test_chat_runs_under_the_policy(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, server, 'Ada', create_user(server, 'Ada', workspace))
    console = _watch(ada.context, ada.page)
    ada.page.reload()  # the init script applies from the next document on
    expect(ada.composer()).to_be_visible()

    ada.send('Hello **world** :tada:')
    message = ada.message('Hello world')
    expect(message.locator('strong')).to_have_text('world')
    message.hover()
    message.get_by_test_id('action-react').click()
    picker = ada.page.get_by_test_id('emoji-picker')
    picker.get_by_test_id('emoji-search').fill('tada')
    picker.locator('[data-testid=emoji-option][data-emoji=tada]').click()
    expect(message.locator('[data-testid=reaction][data-emoji=tada]')).to_have_attribute('data-count', '1')

    message.hover()
    message.get_by_test_id('action-thread').click()
    expect(ada.page.get_by_test_id('thread-panel')).to_be_visible()

    give_files(ada.composer(), 'drop', [('sunset.png', 'image/png', png((320, 160), 'orange'))])
    expect(pending(ada.page, 'done')).to_have_count(1)
    ada.send('A picture')
    thumbnail = ada.message('A picture').locator('[data-testid=attachment][data-kind=image] img')
    ada.page.wait_for_function('(img) => img.complete && img.naturalWidth > 0', arg=thumbnail.element_handle())

    assert _violations(ada.page) == [] and console == []
    ada.context.close()
