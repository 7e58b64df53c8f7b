"""Attachments in real browsers: a drop uploads, the channel sees thumbnail and card live, outsiders get 404."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess

PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
ELF = b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 120

_DISPATCH = """(target, [kind, files]) => {
    const data = new DataTransfer();
    for (const file of files) {
        const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    if (kind === 'paste') {
        target.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
        return;
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
}"""


def png(size: tuple[int, int], color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', size, color).save(buffer, 'PNG')
    return buffer.getvalue()


def give_files(target: Locator, kind: str, files: list[tuple[str, str, bytes]]) -> None:
    """Drop (or paste) files onto `target` the way a browser delivers them: a DataTransfer holding Files."""
    payload = [{'name': name, 'type': mime, 'data': base64.b64encode(data).decode()} for name, mime, data in files]
    target.evaluate(_DISPATCH, [kind, payload])


def pending(page: Page, state: str | None = None) -> Locator:
    selector = '[data-testid=pending-upload]' + (f'[data-state={state}]' if state else '')
    return page.locator(selector)


def test_dropped_image_and_pdf_are_live_for_members_and_hidden_from_others(
    browser: Browser, server: ServerProcess
) -> None:
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)
    bob_email = create_user(server, 'Bob', workspace)
    cy_email = create_user(server, 'Cy', unique_workspace())  # another workspace: not a member of #general
    ada = log_in(browser, server, 'Ada', ada_email)
    bob = log_in(browser, server, 'Bob', bob_email)
    cy = log_in(browser, server, 'Cy', cy_email)

    give_files(ada.composer(), 'drop', [('sunset.png', 'image/png', png((720, 360), 'orange')),
                                        ('report.pdf', 'application/pdf', PDF)])  # fmt: skip
    expect(pending(ada.page)).to_have_count(2)
    expect(pending(ada.page, 'done')).to_have_count(2)
    ada.send('Quarterly numbers attached')
    expect(pending(ada.page)).to_have_count(0)  # the tray empties once the message is accepted

    message = bob.message('Quarterly numbers attached')
    image = message.locator('[data-testid=attachment][data-kind=image]')
    card = message.locator('[data-testid=attachment][data-kind=file]')
    expect(image).to_be_visible()
    expect(card).to_contain_text('report.pdf')
    thumbnail = image.locator('img')
    expect(thumbnail).to_have_attribute('src', re.compile(r'^/files/[\w-]+/thumb$'))
    bob.page.wait_for_function('(img) => img.complete && img.naturalWidth > 0', arg=thumbnail.element_handle())
    box = thumbnail.bounding_box()
    assert box is not None and (round(box['width']), round(box['height'])) == (360, 180)

    with bob.context.expect_page() as opened:
        image.click()  # a click opens the full image
    full_page = opened.value
    full_page.wait_for_load_state()
    assert re.search(r'/files/[\w-]+/sunset\.png$', full_page.url)
    full_page.close()

    urls = [str(image.get_attribute('href')), str(thumbnail.get_attribute('src')), str(card.get_attribute('href'))]
    full, thumb, pdf = (bob.context.request.get(server.url + url) for url in urls)
    assert (full.status, full.headers['content-type']) == (200, 'image/png')
    assert (thumb.status, thumb.headers['content-type']) == (200, 'image/webp')
    assert (pdf.status, pdf.headers['content-type'], pdf.body()) == (200, 'application/pdf', PDF)
    assert pdf.headers['x-content-type-options'] == 'nosniff'

    for url in urls:
        response = cy.context.request.get(server.url + url)
        assert response.status in (403, 404), (url, response.status)
    for user in (ada, bob, cy):
        user.context.close()


def test_attach_button_and_paste_with_refusals_shown_in_the_tray(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, server, 'Ada', create_user(server, 'Ada', workspace))

    files: list[FilePayload] = [
        {'name': 'kitten.png', 'mimeType': 'image/png', 'buffer': ELF},
        {'name': 'notes.txt', 'mimeType': 'text/plain', 'buffer': b'meeting notes\n'},
    ]
    ada.page.locator('.chat-main [data-testid=attach]').set_input_files(files)
    refused = ada.page.locator('[data-testid=pending-upload][data-name="kitten.png"]')
    expect(refused).to_have_attribute('data-state', 'error')
    expect(refused.get_by_test_id('upload-error')).to_have_text(
        'This file is a Linux program (ELF); programs and scripts cannot be shared.'
    )
    expect(ada.page.locator('[data-testid=pending-upload][data-name="notes.txt"]')).to_have_attribute(
        'data-state', 'done'
    )
    refused.get_by_test_id('remove-upload').click()
    expect(refused).to_have_count(0)

    give_files(ada.composer(), 'paste', [('screenshot.png', 'image/png', png((100, 80), 'teal'))])
    expect(pending(ada.page, 'done')).to_have_count(2)
    ada.send('Notes and a screenshot')
    message = ada.message('Notes and a screenshot')
    expect(message.locator('[data-testid=attachment]')).to_have_count(2)
    expect(message.locator('[data-testid=attachment][data-kind=image] img')).to_be_visible()
    ada.context.close()
