"""bookmarks.add/.edit/.remove/.list: members of the channel manage them; a change is one event with the list."""

from __future__ import annotations

from state.actions import bookmarks
from state.bus import channel_topic
from state.events import BookmarksChanged
from tests.factories import RecordingBackend, World
from tests.slack_support import ApiWorld, SlackCaller


async def test_a_member_adds_edits_lists_and_removes(slack: SlackCaller, api_world: ApiWorld) -> None:
    token, channel = api_world.bob_token, api_world.secret
    added = await slack.ok(
        'bookmarks.add', token, channel_id=channel, title='Runbook', type='link', link='https://x.test/r', emoji=':+1:'
    )
    mark = added['bookmark']
    assert mark['id'].startswith('Bk') and mark['title'] == 'Runbook' and mark['emoji'] == ':thumbsup:'
    assert mark['channel_id'] == channel and mark['type'] == 'link'
    edited = await slack.ok('bookmarks.edit', token, channel_id=channel, bookmark_id=mark['id'], title='Runbook v2')
    assert edited['bookmark']['title'] == 'Runbook v2' and edited['bookmark']['link'] == 'https://x.test/r'
    listed = await slack.ok('bookmarks.list', api_world.ada_token, channel_id=channel)
    assert [b['title'] for b in listed['bookmarks']] == ['Runbook v2']
    await slack.ok('bookmarks.remove', token, channel_id=channel, bookmark_id=mark['id'])
    assert (await slack.ok('bookmarks.list', token, channel_id=channel))['bookmarks'] == []
    again = await slack.error('bookmarks.remove', token, channel_id=channel, bookmark_id=mark['id'])
    assert again == 'not_found'


async def test_bad_input_is_refused(slack: SlackCaller, api_world: ApiWorld) -> None:
    args = {'channel_id': api_world.general, 'title': 'x'}
    for link in ('javascript:alert(1)', 'ftp://x.test/', 'https://', 'http://[::1', 'https://a b.test/'):
        assert await slack.error('bookmarks.add', api_world.ada_token, link=link, **args) == 'invalid_link', link
    ok_link = {'link': 'https://x.test'}
    assert await slack.error('bookmarks.add', api_world.ada_token, type='folder', **args, **ok_link) == (
        'invalid_bookmark_type'
    )
    assert await slack.error('bookmarks.add', api_world.ada_token, emoji='nope_nope', **args, **ok_link) == (
        'invalid_emoji'
    )
    no_title = {'channel_id': api_world.general, 'title': '  ', **ok_link}
    assert await slack.error('bookmarks.add', api_world.ada_token, **no_title) == 'invalid_arguments'
    forged = {'channel_id': api_world.general, 'bookmark_id': 'Bkzz'}
    assert await slack.error('bookmarks.remove', api_world.ada_token, **forged) == 'not_found'


async def test_who_may(slack: SlackCaller, api_world: ApiWorld) -> None:
    args = {'title': 'Docs', 'link': 'https://x.test/docs'}
    assert await slack.error('bookmarks.add', api_world.carl_token, channel_id=api_world.secret, **args) == (
        'channel_not_found'
    )
    assert await slack.error('bookmarks.add', api_world.carl_token, channel_id=api_world.side, **args) == (
        'not_in_channel'
    )
    assert await slack.error('bookmarks.add', api_world.ada_token, channel_id=api_world.old, **args) == 'is_archived'
    mark = (await slack.ok('bookmarks.add', api_world.ada_token, channel_id=api_world.side, **args))['bookmark']
    assert (await slack.ok('bookmarks.list', api_world.carl_token, channel_id=api_world.side))['bookmarks']
    assert await slack.error(
        'bookmarks.edit', api_world.carl_token, channel_id=api_world.side, bookmark_id=mark['id'], title='x'
    ) == ('not_in_channel')
    other = await slack.error(
        'bookmarks.remove', api_world.ada_token, channel_id=api_world.general, bookmark_id=mark['id']
    )
    assert other == 'not_found'  # a bookmark is only found in its own channel
    assert await slack.error('bookmarks.list', api_world.eve_token, channel_id=api_world.side) == 'channel_not_found'


def test_each_change_publishes_the_whole_list(world: World, published: RecordingBackend) -> None:
    channel_id = world.general
    first = bookmarks.add_bookmark(world.ada, channel_id, 'One', 'https://x.test/1')
    bookmarks.add_bookmark(world.bob, channel_id, 'Two', 'https://x.test/2')
    bookmarks.remove_bookmark(world.bob, channel_id, first.id)
    changes = published.of_type(BookmarksChanged)
    assert {topic for topic, _ in changes} == {channel_topic(channel_id)}
    assert [[b.title for b in event.bookmarks] for _, event in changes] == [['One'], ['One', 'Two'], ['Two']]
