"""users.lookupByEmail, users.profile.get/set and users.conversations."""

from __future__ import annotations

import json
import time

from api.slack.ids import user_sid
from db.models import User
from tests.factories import update_row
from tests.slack_support import ApiWorld, SlackCaller


async def test_lookup_by_email_is_for_admins_and_bots(slack: SlackCaller, api_world: ApiWorld) -> None:
    update_row(User, api_world.bob, email='bob@example.com')
    for token in (api_world.ada_token, api_world.bot_token):
        found = await slack.ok('users.lookupByEmail', token, email='Bob@Example.com')
        assert found['user']['id'] == user_sid(api_world.bob) and 'email' not in found['user']['profile']
    assert await slack.error('users.lookupByEmail', api_world.carl_token, email='bob@example.com') == 'missing_scope'
    assert await slack.error('users.lookupByEmail', api_world.ada_token, email='nobody@example.com') == (
        'users_not_found'
    )
    eve_admin = await slack.error('users.lookupByEmail', api_world.eve_token, email='bob@example.com')
    assert eve_admin == 'users_not_found'  # eve owns another workspace: bob is not in it


async def test_profile_set_and_get(slack: SlackCaller, api_world: ApiWorld) -> None:
    later = int(time.time()) + 3600
    profile = json.dumps(
        {'display_name': 'Bobby', 'status_text': 'On call', 'status_emoji': ':fire:', 'status_expiration': later}
    )
    changed = (await slack.ok('users.profile.set', api_world.bob_token, profile=profile))['profile']
    assert changed['display_name'] == 'Bobby' and changed['status_text'] == 'On call'
    assert changed['status_emoji'] == ':fire:' and changed['status_expiration'] == later
    seen = (await slack.ok('users.profile.get', api_world.carl_token, user=user_sid(api_world.bob)))['profile']
    assert seen['real_name'] == 'Bobby' and seen['status_text'] == 'On call'
    cleared = await slack.ok('users.profile.set', api_world.bob_token, name='status_text', value='')
    assert cleared['profile']['status_text'] == '' and cleared['profile']['status_emoji'] == ':fire:'
    mine = await slack.ok('users.profile.get', api_world.bob_token)
    assert mine['profile']['display_name'] == 'Bobby'


async def test_profile_set_refuses_bad_input_and_other_people(slack: SlackCaller, api_world: ApiWorld) -> None:
    token = api_world.bob_token
    other = user_sid(api_world.carl)
    assert await slack.error('users.profile.set', token, user=other, name='display_name', value='X') == (
        'cannot_update_admin_user'
    )
    # title and pronouns are settable now (tests/test_profiles_api.py); a field we do not keep is refused
    assert await slack.error('users.profile.set', token, profile='{"phone": "555"}') == 'invalid_profile'
    assert await slack.error('users.profile.set', token, profile='not json') == 'invalid_arguments'
    assert await slack.error('users.profile.set', token, name='status_emoji', value='no_such_emoji') == (
        'invalid_arguments'
    )
    assert await slack.error('users.profile.set', token, name='display_name', value='x' * 200) == 'invalid_arguments'
    assert await slack.error('users.profile.get', api_world.eve_token, user=user_sid(api_world.bob)) == (
        'user_not_found'
    )


async def test_users_conversations_lists_only_memberships(slack: SlackCaller, api_world: ApiWorld) -> None:
    types = 'public_channel,private_channel,mpim,im'
    carls = await slack.ok('users.conversations', api_world.carl_token, types=types)
    assert [c['id'] for c in carls['channels']] == [api_world.general]  # not #side, which carl may read
    bobs = await slack.ok('users.conversations', api_world.bob_token, types=types, exclude_archived=True)
    assert {c['id'] for c in bobs['channels']} == {api_world.general, api_world.secret}
    first = await slack.ok('users.conversations', api_world.bob_token, types=types, limit=1)
    assert len(first['channels']) == 1 and first['response_metadata']['next_cursor']
    assert await slack.error('users.conversations', api_world.bob_token, types='bogus') == 'invalid_types'
    assert await slack.error('users.conversations', api_world.bob_token, user=user_sid(api_world.carl)) == (
        'restricted_action'
    )
