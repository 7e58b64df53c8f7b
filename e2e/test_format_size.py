"""One text for a file size: the browser's formatSize (components/chat_format.js, used by the message list's
file cards and the uploader's tray) writes exactly what Python's format_size writes (upload refusals)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.test_attachments import PDF, give_files, pending
from state.files.storage import format_size

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

SIZES = [
    *range(0, 2100),  # bytes, the step to KB, and every tie at one decimal below 2 KB (1280 is 1.25 KB)
    10 * KIB,
    10 * KIB + 51,
    10 * KIB + 52,
    999 * KIB,
    MIB - 52,
    MIB - 51,
    MIB - 1,  # rounds to 1024 KB, so it is shown as "1 MB"
    MIB,
    MIB + 1,
    int(1.25 * MIB),
    int(1.5 * MIB),
    int(5.5 * MIB),
    int(5.55 * MIB),
    25 * 1000 * 1000,  # the default upload limit
    25 * MIB,
    GIB - 1,
    GIB,
    int(2.75 * GIB),
    1023 * GIB,
    1024 * GIB,  # no TB: GB is the largest unit
    5 * 1024 * GIB + 12345,
    2**53,
    *(k * 256 for k in range(4 * 1024, 4 * 1024 + 400)),  # ties and near-ties in KB
    *(k * 256 * KIB for k in range(0, 400)),  # ... in MB
    *(k * 256 * MIB + d for k in range(0, 50) for d in (-1, 0, 1)),  # ... in GB
]


def _browser_sizes(page: Page, sizes: list[int]) -> list[str]:
    # The page's import map names every registered module, so the one the components use is imported here.
    return list(
        page.evaluate(
            'async (sizes) => { const { formatSize } = await import("chat_format"); return sizes.map(formatSize); }',
            sizes,
        )
    )


def test_browser_and_python_write_every_size_the_same(browser: Browser, server: ServerProcess) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f'{server.url}/login')
    expected = [format_size(size) for size in SIZES]
    got = _browser_sizes(page, SIZES)
    mismatches = [(size, want, have) for size, want, have in zip(SIZES, expected, got, strict=True) if want != have]
    assert mismatches == []
    assert format_size(1280) == '1.2 KB'  # 1.25 KB, an exact tie, rounds to even (Number.toFixed would say 1.3)
    context.close()


def test_file_card_and_tray_show_the_same_size_text(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, server, 'Ada', create_user(server, 'Ada', workspace))
    data = PDF + b' ' * (1536 - len(PDF))  # 1.5 KB
    give_files(ada.composer(), 'drop', [('sizes.pdf', 'application/pdf', data)])
    expect(pending(ada.page, 'done')).to_have_count(1)
    expect(pending(ada.page).locator('.chat-attach__size')).to_have_text(format_size(len(data)))
    ada.send('A file of a known size')
    card = ada.message('A file of a known size').locator('[data-testid=attachment][data-kind=file]')
    expect(card.locator('small')).to_have_text(f'{format_size(len(data))} · application/pdf')
    ada.context.close()
