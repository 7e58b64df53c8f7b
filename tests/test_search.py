"""Message search through its action: privacy, the index following edits and deletes, syntax, paging, bad input.

Runs on SQLite (FTS5) and, through scripts/with_postgres.sh, on PostgreSQL (GIN tsvector) alike.
"""

from __future__ import annotations

import pytest

from db.models import ChannelKind, Message
from db.search_queries import SearchPage
from state.actions.channels import open_direct
from state.actions.messages import delete_message, edit_message, send_message
from state.actions.search import MAX_QUERY_CHARS, search
from state.errors import InvalidInput, NotFound, RateLimited
from state.rate_limit import LIMITS, RateLimiter, exempt
from tests.factories import RecordingBackend, World, add_row, make_channel, make_user, make_workspace

pytestmark = pytest.mark.usefixtures('published')


def ids(page: SearchPage) -> list[int]:
    return [hit.message_id for hit in page.hits]


def post(world_user: int, channel: int, body: str) -> int:
    return send_message(world_user, channel, body, None).id


# ---- who finds what ---------------------------------------------------------------------------------------


def test_members_find_their_channels_and_everyone_finds_public_ones(world: World) -> None:
    in_general = post(world.bob, world.general, 'the quarterly zeppelin report')
    in_side = post(world.ada, world.side, 'zeppelin notes from the side channel')  # public; Carl is not in it
    in_secret = post(world.ada, world.private, 'secret zeppelin plans')
    assert ids(search(world.ada, world.workspace, 'zeppelin')) == [in_secret, in_side, in_general]
    assert ids(search(world.bob, world.workspace, 'zeppelin')) == [in_secret, in_side, in_general]
    # Carl is not in #secret: never found. #side is public, so he finds it without having joined.
    assert ids(search(world.carl, world.workspace, 'zeppelin')) == [in_side, in_general]


def test_direct_messages_of_others_and_other_workspaces_are_never_found(world: World) -> None:
    dm = open_direct(world.ada, world.workspace, [world.bob])
    in_dm = post(world.ada, dm.id, 'a private walrus joke')
    eve_workspace = make_workspace(make_user('Eve Owner'), 'Elsewhere')
    elsewhere = make_channel(eve_workspace, 'walruses', kind=ChannelKind.PUBLIC)
    add_row(Message(channel_id=elsewhere.id or 0, author_id=world.eve, body='walrus elsewhere', html='<p>x</p>'))
    hits = search(world.bob, world.workspace, 'walrus').hits
    assert [h.message_id for h in hits] == [in_dm]
    assert hits[0].channel_kind == 'direct' and hits[0].channel_label == 'Ada'  # named after the other person
    assert search(world.carl, world.workspace, 'walrus').hits == []
    with pytest.raises(NotFound):
        search(world.eve, world.workspace, 'walrus')  # not a member of this workspace at all
    with pytest.raises(NotFound):
        search(world.ada, 2**70, 'walrus')  # a forged workspace id


def test_in_filter_cannot_reach_a_private_channel_one_is_not_in(world: World) -> None:
    post(world.ada, world.private, 'hidden narwhal')
    with pytest.raises(InvalidInput, match='no channel called #secret'):
        search(world.carl, world.workspace, 'narwhal in:#secret')
    with pytest.raises(InvalidInput, match='no channel called #nothing-here'):
        search(world.carl, world.workspace, 'narwhal in:#nothing-here')  # the same answer as for #secret


# ---- the index follows the messages -----------------------------------------------------------------------


def test_an_edit_replaces_the_old_words_in_the_index(world: World) -> None:
    message = post(world.ada, world.general, 'meet at the lighthouse')
    assert ids(search(world.bob, world.workspace, 'lighthouse')) == [message]
    edit_message(world.ada, message, 'meet at the harbour')
    assert search(world.bob, world.workspace, 'lighthouse').hits == []
    assert ids(search(world.bob, world.workspace, 'harbour')) == [message]


def test_a_deleted_message_is_never_found(world: World) -> None:
    root = post(world.ada, world.general, 'obsolete pelican plan')
    send_message(world.bob, world.general, 'a reply about something else', None, thread_root_id=root)
    gone = post(world.ada, world.general, 'another pelican')
    delete_message(world.ada, gone)
    delete_message(world.ada, root)  # stays as a placeholder because it has a reply; still not found
    assert search(world.bob, world.workspace, 'pelican').hits == []


def test_thread_replies_are_found_and_name_their_thread(world: World) -> None:
    root = post(world.ada, world.general, 'the root')
    reply = send_message(world.bob, world.general, 'a reply with a kestrel', None, thread_root_id=root).id
    [hit] = search(world.ada, world.workspace, 'kestrel').hits
    assert (hit.message_id, hit.thread_root_id, hit.author_name, hit.channel_label) == (reply, root, 'Bob', '#general')


# ---- syntax -----------------------------------------------------------------------------------------------


def test_all_words_must_match_and_the_last_one_may_be_a_prefix(world: World) -> None:
    both = post(world.ada, world.general, 'deploy on friday')
    post(world.ada, world.general, 'deploy on monday')
    assert ids(search(world.bob, world.workspace, 'deploy friday')) == [both]
    assert ids(search(world.bob, world.workspace, 'deploy fri')) == [both]  # typed so far
    assert search(world.bob, world.workspace, 'fri deploy').hits == []  # only the last word is a prefix


@pytest.mark.parametrize('scan', [3, 300])  # SQLite checks a few candidates of "rev"*, then asks for "revi"*
def test_a_longer_prefix_finds_the_same_whichever_way_sqlite_takes(
    world: World, scan: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr('db.search_queries.PREFIX_SCAN', scan)
    with exempt():
        older = [post(world.ada, world.general, f'weekly review {n}') for n in range(2)]
        for n in range(8):
            post(world.ada, world.general, f'revenue figures {n}')  # newer, share the 3-letter prefix only
    assert ids(search(world.bob, world.workspace, 'revi')) == older[::-1]
    assert len(search(world.bob, world.workspace, 'reve').hits) == 8


def test_quoted_phrases_need_the_words_in_order(world: World) -> None:
    exact = post(world.ada, world.general, 'read the release notes today')
    post(world.ada, world.general, 'notes about the release')
    assert ids(search(world.bob, world.workspace, '"release notes"')) == [exact]
    assert len(search(world.bob, world.workspace, 'release notes').hits) == 2


def test_in_and_from_narrow_the_results(world: World) -> None:
    ada_general = post(world.ada, world.general, 'budget draft')
    bob_general = post(world.bob, world.general, 'budget review')
    ada_side = post(world.ada, world.side, 'budget side note')
    assert ids(search(world.bob, world.workspace, 'budget in:#general')) == [bob_general, ada_general]
    assert ids(search(world.bob, world.workspace, 'budget in:side')) == [ada_side]
    assert ids(search(world.bob, world.workspace, 'budget from:@Ada')) == [ada_side, ada_general]
    assert ids(search(world.bob, world.workspace, 'budget from:me')) == [bob_general]
    assert ids(search(world.bob, world.workspace, 'from:@Ada in:#general')) == [ada_general]  # filters alone
    assert ids(search(world.bob, world.workspace, 'in:#general in:#side from:ada budget')) == [ada_side, ada_general]
    with pytest.raises(InvalidInput, match='Nobody called "zed"'):
        search(world.bob, world.workspace, 'budget from:@zed')


def test_from_takes_full_names_with_spaces(world: World) -> None:
    from tests.factories import add_member, general_of

    ws = make_workspace(make_user('Owner'), 'Names')
    ada = make_user('Ada Lovelace', email='countess@example.com')
    add_member(ws, ada)
    general = general_of(ws).id or 0
    hers = post(ada.id or 0, general, 'engine notes')
    owner = make_user('Grace')
    add_member(ws, owner)
    for query in (
        'engine from:@Ada Lovelace',
        'from:"Ada Lovelace" engine',
        'from:@"ada lovelace" engine',
        'from:adalovelace engine',
        'from:ada engine',
    ):
        assert ids(search(owner.id or 0, ws.id or 0, query)) == [hers], query
    # Names only: the e-mail's local part would let a search confirm who owns an address.
    for query in ('from:countess engine', 'from:"countess" engine'):
        with pytest.raises(InvalidInput, match='Nobody called'):
            search(owner.id or 0, ws.id or 0, query)


# ---- results ----------------------------------------------------------------------------------------------


def test_the_snippet_is_escaped_and_marks_the_matched_words(world: World) -> None:
    post(world.ada, world.general, '<script>alert(1)</script> the Vulture & the **vultures**')
    [hit] = search(world.bob, world.workspace, 'vultur').hits
    assert '<script>' not in hit.snippet_html
    assert hit.snippet_html == (
        '&lt;script&gt;alert(1)&lt;/script&gt; the <mark>Vulture</mark> &amp; the **<mark>vultures</mark>**'
    )
    assert hit.author_name == 'Ada' and hit.channel_id == world.general and hit.created_at is not None


def test_results_are_newest_first_and_page_by_id(world: World) -> None:
    with exempt():
        posted = [post(world.ada, world.general, f'heron sighting number {n}') for n in range(45)]
    first = search(world.bob, world.workspace, 'heron')
    assert ids(first) == posted[::-1][:20] and first.next_before_id == posted[25]
    second = search(world.bob, world.workspace, 'heron', before_id=first.next_before_id)
    assert ids(second) == posted[::-1][20:40]
    third = search(world.bob, world.workspace, 'heron', before_id=second.next_before_id)
    assert ids(third) == posted[::-1][40:] and third.next_before_id is None


# ---- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'hostile',
    [
        '"',
        '""',
        '"unclosed phrase',
        '*',
        'owl*',
        'NEAR(owl night)',
        'owl OR night',
        'owl AND NOT night',
        '-owl',
        'owl -night',
        "owl'; DROP TABLE messages; --",
        'body:owl',
        '^owl',
        '(owl',
        'owl:*',
        "'owl' & 'night'",
        'in:',
        'in:#',
        'émoji 🦉 owl',
        'ﬁnance owl',
        '\x00owl',
        'owl\\',
        '{owl}',
    ],
)
def test_hostile_input_gives_results_or_a_clear_error(world: World, hostile: str) -> None:
    owl = post(world.ada, world.general, 'the owl flies at night')
    try:
        page = search(world.bob, world.workspace, hostile)
    except InvalidInput as error:
        assert error.message  # a sentence for the user, not a database error
        return
    assert all(hit.message_id == owl for hit in page.hits)


def test_typed_syntax_is_matched_as_words(world: World) -> None:
    owl = post(world.ada, world.general, 'the owl flies at night')
    assert ids(search(world.bob, world.workspace, 'NEAR(owl night)')) == []  # "near" is just a word here
    assert ids(search(world.bob, world.workspace, 'owl OR')) == []  # and so is "or"
    assert ids(search(world.bob, world.workspace, '-owl "at night"')) == [owl]


def test_unicode_words_are_found(world: World) -> None:
    message = post(world.ada, world.general, 'Grüße aus Köln, 東京 too')
    assert ids(search(world.bob, world.workspace, 'grüße köln')) == [message]
    assert ids(search(world.bob, world.workspace, '東京')) == [message]


def test_empty_and_overlong_queries_are_refused_clearly(world: World) -> None:
    for empty in ('', '   ', '!!! ---', '""'):
        with pytest.raises(InvalidInput):
            search(world.bob, world.workspace, empty)
    with pytest.raises(InvalidInput, match=f'at most {MAX_QUERY_CHARS}'):
        search(world.bob, world.workspace, 'a' * (MAX_QUERY_CHARS + 1))
    with pytest.raises(InvalidInput):
        search(world.bob, world.workspace, 123)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        search(world.bob, world.workspace, 'owl', before_id=2**70)


def test_searching_is_rate_limited_per_user(
    world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr('state.actions.search.limiter', RateLimiter(clock=lambda: 1000.0))  # time stands still
    post(world.ada, world.general, 'an albatross')
    for _ in range(LIMITS['search'].burst):
        search(world.bob, world.workspace, 'albatross')
    with pytest.raises(RateLimited):
        search(world.bob, world.workspace, 'albatross')
    assert search(world.carl, world.workspace, 'albatross').hits  # someone else's bucket is untouched
    assert not any(topic for topic, _ in published.items if 'search' in topic)  # a search publishes nothing
