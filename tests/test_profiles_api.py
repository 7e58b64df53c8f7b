"""The Web API shows profiles in Slack's shape, and the avatar route serves the uploaded pictures."""

from __future__ import annotations

import io

from nicegui.testing import User
from PIL import Image

from api.slack.ids import user_sid
from state.actions import avatars, profile_fields
from state.actions.profile_fields import ProfileFields
from state.files.avatar_images import AVATAR_SIZES
from tests.slack_support import ApiWorld, SlackCaller


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (100, 60), (10, 120, 40)).save(buffer, 'PNG')
    return buffer.getvalue()


async def test_users_info_and_profile_get_carry_the_profile_and_the_uploaded_picture(
    user: User, api_world: ApiWorld, slack: SlackCaller
) -> None:
    profile_fields.update_profile(
        api_world.bob, ProfileFields('Bob', 'Robert Tables', 'Release manager', 'he/him', 'Asia/Tokyo')
    )
    sid = user_sid(api_world.bob)
    before = await slack.ok('users.profile.get', api_world.carl_token, user=sid)
    assert before['profile']['image_72'].endswith(f'/avatars/{sid}.svg')  # no picture yet: the identicon
    version = avatars.set_avatar(api_world.bob, _png()).avatar_version
    info = (await slack.ok('users.info', api_world.carl_token, user=sid))['user']
    assert (info['tz'], info['tz_label'], info['tz_offset']) == ('Asia/Tokyo', 'JST', 9 * 3600)
    shown = info['profile']
    assert (shown['title'], shown['pronouns'], shown['real_name'], shown['display_name']) == (
        'Release manager',
        'he/him',
        'Robert Tables',
        'Bob',
    )
    for size in AVATAR_SIZES:
        url = shown[f'image_{size}']
        assert url.endswith(f'/avatars/{api_world.bob}/{size}.png?v={version}')
        response = await user.http_client.get(url[url.index('/avatars/') :])
        assert response.status_code == 200 and response.headers['content-type'] == 'image/png'
        with Image.open(io.BytesIO(response.content)) as served:
            assert served.size == (size, size)
    listed = await slack.ok('users.list', api_world.carl_token)
    bob = next(member for member in listed['members'] if member['id'] == sid)
    assert bob['profile']['image_192'] == shown['image_192']


async def test_the_avatar_route_refuses_forged_paths(user: User, api_world: ApiWorld) -> None:
    version = avatars.set_avatar(api_world.ada, _png()).avatar_version
    good = f'/avatars/{api_world.ada}/72.png?v={version}'
    assert (await user.http_client.get(good)).status_code == 200
    for forged in (
        f'/avatars/{api_world.ada}/72.png?v={version + 1}',  # an old or guessed version
        f'/avatars/{api_world.ada}/73.png?v={version}',  # not a size we make
        f'/avatars/{api_world.ada}/72.png',
        f'/avatars/{api_world.bob}/72.png?v={version}',
        f'/avatars/{api_world.ada}/72.png?v=..%2F..',
        f'/avatars/%2E%2E/72.png?v={version}',
        f'/avatars/{api_world.ada}/72.png?v=\u0662',  # a non-ASCII digit
    ):
        assert (await user.http_client.get(forged)).status_code == 404, forged


async def test_profile_set_takes_title_and_pronouns_and_refuses_bad_ones(
    user: User, api_world: ApiWorld, slack: SlackCaller
) -> None:
    answer = await slack.ok('users.profile.set', api_world.bob_token, profile='{"title": "Chef", "pronouns": "they"}')
    assert (answer['profile']['title'], answer['profile']['pronouns']) == ('Chef', 'they')
    error = await slack.error('users.profile.set', api_world.bob_token, profile='{"title": "%s"}' % ('x' * 101))
    assert error == 'invalid_arguments'


async def test_set_photo_and_delete_photo_change_only_the_token_user(
    user: User, api_world: ApiWorld, slack: SlackCaller
) -> None:
    headers = {'Authorization': f'Bearer {api_world.bob_token}'}
    files = {'image': ('me.png', _png(), 'image/png')}
    answer = await user.http_client.post('/api/users.setPhoto', headers=headers, files=files)
    assert answer.json() == {'ok': True}
    shown = (await slack.ok('users.profile.get', api_world.carl_token, user=user_sid(api_world.bob)))['profile']
    assert shown['is_custom_image'] is True and f'/avatars/{api_world.bob}/512.png?v=' in shown['image_512']
    ada = (await slack.ok('users.profile.get', api_world.carl_token, user=user_sid(api_world.ada)))['profile']
    assert ada['is_custom_image'] is False
    bad = {'image': ('me.png', b'GIF89a but not really', 'image/gif')}
    refused = await user.http_client.post('/api/users.setPhoto', headers=headers, files=bad)
    assert refused.json()['ok'] is False and refused.json()['error'] == 'bad_image'
    await slack.ok('users.deletePhoto', api_world.bob_token)
    shown = (await slack.ok('users.profile.get', api_world.carl_token, user=user_sid(api_world.bob)))['profile']
    assert shown['is_custom_image'] is False and shown['image_512'].endswith('.svg')
