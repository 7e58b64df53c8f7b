"""files.*: the external upload's three steps, files.upload, info, list, delete, and url_private with a token."""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image
from sqlmodel import select

from api.slack.ids import user_sid
from db.engine import read_session
from db.models import Attachment, ExternalUpload
from tests.files_support import image_bytes
from tests.slack_support import ApiWorld, SlackCaller


async def _external_upload(
    slack: SlackCaller, token: str, data: bytes, name: str = 'chart.png', **complete: Any
) -> dict[str, Any]:
    slot = await slack.ok('files.getUploadURLExternal', token, filename=name, length=len(data))
    sent = await slack.client.post(slot['upload_url'], content=data)
    assert sent.status_code == 200 and sent.text == f'OK - {len(data)}', sent.text
    files = json.dumps([{'id': slot['file_id'], 'title': 'Chart'}])
    return await slack.ok('files.completeUploadExternal', token, files=files, **complete)


async def test_the_three_steps_post_an_image_cleaned_like_a_browser_upload(
    slack: SlackCaller, api_world: ApiWorld
) -> None:
    png = image_bytes(orientation=6)
    body = await _external_upload(slack, api_world.bot_token, png, channel_id=api_world.general, initial_comment='hi')
    [shared] = body['files']
    assert shared['id'].startswith('F') and shared['name'] == 'chart.png' and shared['mimetype'] == 'image/png'
    assert shared['filetype'] == 'png' and shared['channels'] == [api_world.general]
    assert shared['thumb_360'].endswith('/thumb') and (shared['original_w'], shared['original_h']) == (20, 40)
    download = await slack.client.get(shared['url_private'], headers={'Authorization': f'Bearer {api_world.bot_token}'})
    assert download.status_code == 200
    with read_session() as session:
        row = session.exec(select(Attachment)).one()
    assert row.message_id is not None and b'SecretAuthor' not in download.content  # the one upload path ran
    history = await slack.ok('conversations.history', api_world.bot_token, channel=api_world.general)
    assert history['messages'][0]['text'] == 'hi' and history['messages'][0]['files'][0]['id'] == shared['id']


async def test_an_upload_url_works_once_and_only_up_to_its_length(slack: SlackCaller, api_world: ApiWorld) -> None:
    slot = await slack.ok('files.getUploadURLExternal', api_world.ada_token, filename='a.txt', length=5)
    too_long = await slack.client.post(slot['upload_url'], content=b'123456')
    assert too_long.status_code == 413
    assert (await slack.client.post(slot['upload_url'], content=b'12345')).status_code == 200
    again = await slack.client.post(slot['upload_url'], content=b'12345')
    assert again.status_code == 404 and again.json() == {'ok': False, 'error': 'upload_not_found'}
    forged = await slack.client.post(slot['upload_url'] + 'x', content=b'12345')
    assert forged.status_code == 404


async def test_a_multipart_post_to_the_upload_url_is_accepted(slack: SlackCaller, api_world: ApiWorld) -> None:
    slot = await slack.ok('files.getUploadURLExternal', api_world.ada_token, filename='notes.txt', length=11)
    sent = await slack.client.post(slot['upload_url'], files={'file': ('notes.txt', b'hello world', 'text/plain')})
    assert sent.status_code == 200, sent.text
    files = json.dumps([{'id': slot['file_id']}])
    body = await slack.ok('files.completeUploadExternal', api_world.ada_token, files=files, channel_id=api_world.side)
    assert body['files'][0]['size'] == 11


async def test_completing_someone_elses_or_an_unsent_upload_is_file_not_found(
    slack: SlackCaller, api_world: ApiWorld
) -> None:
    slot = await slack.ok('files.getUploadURLExternal', api_world.ada_token, filename='a.txt', length=3)
    files = json.dumps([{'id': slot['file_id']}])
    args = {'files': files, 'channel_id': api_world.general}
    assert await slack.error('files.completeUploadExternal', api_world.ada_token, **args) == 'file_not_found'
    await slack.client.post(slot['upload_url'], content=b'abc')
    assert await slack.error('files.completeUploadExternal', api_world.bob_token, **args) == 'file_not_found'
    assert await slack.error('files.completeUploadExternal', api_world.ada_token, files='nope') == 'invalid_arguments'
    await slack.ok('files.completeUploadExternal', api_world.ada_token, **args)
    assert await slack.error('files.completeUploadExternal', api_world.ada_token, **args) == 'file_not_found'


async def test_the_upload_policy_refuses_through_the_api_too(slack: SlackCaller, api_world: ApiWorld) -> None:
    token = api_world.ada_token
    assert await slack.error('files.getUploadURLExternal', token, filename='run.exe', length=3) == (
        'file_type_not_allowed'
    )
    assert await slack.error('files.getUploadURLExternal', token, filename='a.txt', length=0) == 'invalid_length'
    assert await slack.error('files.getUploadURLExternal', token, filename='a', length=10**12) == 'file_too_large'
    slot = await slack.ok('files.getUploadURLExternal', token, filename='a.bin', length=4)
    await slack.client.post(slot['upload_url'], content=b'MZ\x90\x00')  # a Windows program by its content
    files = json.dumps([{'id': slot['file_id']}])
    refused = await slack.error('files.completeUploadExternal', token, files=files, channel_id=api_world.general)
    assert refused == 'file_type_not_allowed'


async def test_completing_into_a_channel_one_is_not_in(slack: SlackCaller, api_world: ApiWorld) -> None:
    slot = await slack.ok('files.getUploadURLExternal', api_world.carl_token, filename='a.txt', length=3)
    await slack.client.post(slot['upload_url'], content=b'abc')
    files = json.dumps([{'id': slot['file_id']}])
    args = {'files': files}
    refused = await slack.error(
        'files.completeUploadExternal', api_world.carl_token, channel_id=api_world.secret, **args
    )
    assert refused == 'channel_not_found'
    with read_session() as session:  # refused before the slot was claimed: the right channel still works
        assert len(session.exec(select(ExternalUpload)).all()) == 1
    await slack.ok('files.completeUploadExternal', api_world.carl_token, channel_id=api_world.general, **args)


async def test_without_a_channel_the_file_goes_to_the_note_to_self(slack: SlackCaller, api_world: ApiWorld) -> None:
    body = await _external_upload(slack, api_world.bob_token, b'private', name='me.txt')
    [shared] = body['files']
    assert shared['ims'] and not shared['channels'] and shared['is_public'] is False
    assert await slack.error('files.info', api_world.ada_token, file=shared['id']) == 'file_not_found'


async def test_files_upload_v1_with_a_file_part_and_with_content(slack: SlackCaller, api_world: ApiWorld) -> None:
    headers = {'Authorization': f'Bearer {api_world.ada_token}'}
    response = await slack.client.post(
        '/api/files.upload',
        headers=headers,
        data={'channels': api_world.general, 'initial_comment': 'report', 'title': 'Q3'},
        files={'file': ('report.png', image_bytes(), 'image/png')},
    )
    body = response.json()
    assert body['ok'] is True, body
    assert body['file']['name'] == 'report.png' and body['file']['permalink']
    text = await slack.ok(
        'files.upload', api_world.ada_token, content='a,b\n1,2\n', filename='t.csv', channels=api_world.side
    )
    assert text['file']['name'] == 't.csv'
    assert await slack.error('files.upload', api_world.ada_token, channels=api_world.general) == 'no_file_data'
    refused = await slack.client.post(
        '/api/chat.postMessage',
        headers=headers,
        data={'channel': api_world.general, 'text': 'x'},
        files={'file': ('a.txt', b'abc', 'text/plain')},
    )
    assert refused.json()['ok'] is False


async def test_info_list_and_delete(slack: SlackCaller, api_world: ApiWorld) -> None:
    first_body = await _external_upload(slack, api_world.bob_token, image_bytes(), channel_id=api_world.secret)
    first = first_body['files'][0]
    text = await _external_upload(slack, api_world.ada_token, b'plain text', 'n.txt', channel_id=api_world.general)
    second = text['files'][0]
    assert (await slack.ok('files.info', api_world.ada_token, file=first['id']))['file']['groups'] == [api_world.secret]
    assert await slack.error('files.info', api_world.carl_token, file=first['id']) == 'file_not_found'
    assert await slack.error('files.info', api_world.eve_token, file=second['id']) == 'file_not_found'
    assert await slack.error('files.info', api_world.ada_token, file='Fnope') == 'file_not_found'

    listed = await slack.ok('files.list', api_world.carl_token)
    assert [f['id'] for f in listed['files']] == [second['id']]  # carl cannot read #secret
    everything = await slack.ok('files.list', api_world.ada_token)
    assert [f['id'] for f in everything['files']] == [second['id'], first['id']]
    images = await slack.ok('files.list', api_world.ada_token, types='images')
    assert [f['id'] for f in images['files']] == [first['id']]
    paged = await slack.ok('files.list', api_world.ada_token, count=1, page=2)
    assert [f['id'] for f in paged['files']] == [first['id']] and paged['paging']['page'] == 2
    cursor_page = await slack.ok('files.list', api_world.ada_token, limit=1)
    nxt = await slack.ok(
        'files.list', api_world.ada_token, limit=1, cursor=cursor_page['response_metadata']['next_cursor']
    )
    assert [f['id'] for f in nxt['files']] == [first['id']]
    assert await slack.error('files.list', api_world.ada_token, types='bogus') == 'invalid_types'
    mine = await slack.ok('files.list', api_world.ada_token, user=user_sid(api_world.ada))
    assert [f['id'] for f in mine['files']] == [second['id']]

    assert await slack.error('files.delete', api_world.carl_token, file=second['id']) == 'cant_delete_file'
    assert await slack.error('files.delete', api_world.carl_token, file=first['id']) == 'file_not_found'
    await slack.ok('files.delete', api_world.ada_token, file=first['id'])  # the workspace owner may
    await slack.ok('files.delete', api_world.ada_token, file=second['id'])  # the uploader may
    assert (await slack.ok('files.list', api_world.ada_token))['files'] == []


async def test_url_private_with_a_token_checks_who_may_read(slack: SlackCaller, api_world: ApiWorld) -> None:
    body = await _external_upload(slack, api_world.bob_token, image_bytes(), channel_id=api_world.secret)
    shared = body['files'][0]
    for token, status in ((api_world.ada_token, 200), (api_world.carl_token, 404), (api_world.eve_token, 404)):
        answer = await slack.client.get(shared['url_private'], headers={'Authorization': f'Bearer {token}'})
        assert answer.status_code == status, token
    thumb = await slack.client.get(shared['thumb_64'], headers={'Authorization': f'Bearer {api_world.ada_token}'})
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).format == 'WEBP'
    revoked = await slack.client.get(shared['url_private'], headers={'Authorization': 'Bearer forged'})
    assert revoked.status_code == 401
