"""Write-time rendering: the markdown subset, references, emoji, and that hostile input stays inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from state.render import (
    ChannelRef,
    StaticResolver,
    UserRef,
    canonical_shortcode,
    emoji_for,
    render_message,
    sanitize,
    search_emoji,
)
from tests.xss_payloads import XSS_PAYLOADS

RESOLVER = StaticResolver.of(
    'acme',
    users=[UserRef(7, 'Ada Lovelace'), UserRef(8, 'Ada'), UserRef(9, 'Bob')],
    channels=[ChannelRef(3, 'dev-ops'), ChannelRef(4, 'general')],
)
ALLOWED_TAGS = {'p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'span'}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def test_markdown_subset() -> None:
    html = render_message('**b** _i_ ~~s~~ `c`', RESOLVER).html
    assert html == '<p><strong>b</strong> <em>i</em> <s>s</s> <code>c</code></p>'
    assert '<blockquote>' in render_message('> quoted', RESOLVER).html
    lists = render_message('- a\n- b\n\n1. one', RESOLVER).html
    assert '<ul>' in lists and '<ol>' in lists and lists.count('<li>') == 3
    fenced = render_message('```python\n<b>x</b>\n```', RESOLVER).html
    assert fenced == '<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>'
    assert render_message('a\nb', RESOLVER).html == '<p>a<br>\nb</p>'


def test_features_outside_the_subset_stay_text() -> None:
    assert render_message('# not a heading', RESOLVER).html == '<p># not a heading</p>'
    assert render_message('![alt](http://x.example/a.png)', RESOLVER).html.startswith('<p>![alt](')
    assert render_message('<b>raw</b>', RESOLVER).html == '<p>&lt;b&gt;raw&lt;/b&gt;</p>'


def test_links_are_safe_and_open_in_a_new_tab() -> None:
    tags = parse(render_message('see https://example.com/a?b=1 and mail a@b.com', RESOLVER).html)
    links = [attrs for tag, attrs in tags if tag == 'a']
    assert [link['href'] for link in links] == ['https://example.com/a?b=1', 'mailto:a@b.com']
    for link in links:
        assert link['rel'] == 'noopener noreferrer nofollow'
        assert link['target'] == '_blank'


def test_mentions_resolve_to_members_longest_name_first() -> None:
    rendered = render_message('@Ada Lovelace and @ada, also @Bob. @Nobody', RESOLVER)
    assert rendered.mentioned_user_ids == (7, 8, 9)
    spans = [attrs for tag, attrs in parse(rendered.html) if tag == 'span']
    assert [span['data-user-id'] for span in spans] == ['7', '8', '9']
    assert all(span['class'] == 'mention' for span in spans)
    assert '@Nobody' in rendered.html
    assert not rendered.mentions_all


def test_mentions_need_a_word_boundary_and_skip_code_and_links() -> None:
    assert render_message('@Adam', RESOLVER).mentioned_user_ids == ()
    assert render_message('mail bob@Ada.example', RESOLVER).mentioned_user_ids == ()
    assert render_message('`@Bob`', RESOLVER).mentioned_user_ids == ()
    assert render_message('```\n@Bob\n```', RESOLVER).mentioned_user_ids == ()


@pytest.mark.parametrize('keyword', ['channel', 'here', 'everyone'])
def test_broadcast_mentions(keyword: str) -> None:
    rendered = render_message(f'hey @{keyword}!', RESOLVER)
    assert rendered.mentions_all
    assert f'<span class="mention mention-all">@{keyword}</span>' in rendered.html


def test_channel_references_link_known_channels_only() -> None:
    rendered = render_message('see #dev-ops, #DEV-OPS and #unknown', RESOLVER)
    assert rendered.channel_ids == (3,)
    links = [attrs for tag, attrs in parse(rendered.html) if tag == 'a']
    assert len(links) == 2
    assert all(link['href'] == '/w/acme/c/3' and link['class'] == 'channel-ref' for link in links)
    assert '#unknown' in rendered.html


def test_emoji_shortcodes_and_aliases() -> None:
    assert render_message(':smile: :+1: :thumbsup: :no_such_emoji:', RESOLVER).html == '<p>😄 👍 👍 :no_such_emoji:</p>'
    assert emoji_for('tada') == '🎉'
    assert emoji_for(':+1:') == '👍'
    assert emoji_for('nope') is None
    assert canonical_shortcode('thumbs_up') == 'thumbsup'


def test_emoji_search_ranks_prefixes_and_deduplicates_aliases() -> None:
    results = search_emoji('thumbs', limit=10)
    names = [entry.shortcode for entry in results]
    assert names[:2] == ['thumbsup', 'thumbsdown']
    assert len(names) == len(set(names))
    assert [entry.shortcode for entry in search_emoji('+1')] == ['thumbsup']
    assert len(search_emoji('', limit=30)) == 30
    assert search_emoji('zzzz-not-there') == []


def test_the_table_has_a_few_hundred_emoji() -> None:
    assert len(search_emoji('', limit=10_000)) >= 300


@pytest.mark.parametrize('payload', XSS_PAYLOADS)
def test_hostile_input_is_inert(payload: str) -> None:
    html = render_message(payload, RESOLVER).html
    assert '<script' not in html.lower()
    for tag, attrs in parse(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith('on'), (name, html)
            assert name in {'href', 'rel', 'target', 'class', 'data-user-id', 'start'}, (name, html)
            if name == 'href':
                href = (value or '').strip().lower()
                assert href.startswith(('http:', 'https:', 'mailto:', '/w/')), (href, html)
                assert 'javascript:' not in href and not href.startswith('data:')


def test_there_are_at_least_fifty_payloads() -> None:
    assert len(XSS_PAYLOADS) >= 50


def test_the_sanitizer_alone_strips_what_the_renderer_never_emits() -> None:
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><img src=x onerror=y>'
        '<a href="javascript:alert(1)" target="_top">j</a><a href="//evil.example/w/x/c/1">p</a>'
        '<span class="mention evil" style="color:red" data-user-id="3">@x</span>'
        '<a href="/w/acme/c/3" class="channel-ref other">#c</a></p>'
    )
    tags = parse(sanitize(dirty))
    assert [tag for tag, _ in tags] == ['p', 'a', 'a', 'span', 'a']
    _, js_link = tags[1]
    assert 'href' not in js_link and 'target' not in js_link
    assert 'href' not in tags[2][1]  # protocol-relative URLs are not internal links
    assert tags[3][1] == {'class': 'mention', 'data-user-id': '3'}
    assert tags[4][1]['href'] == '/w/acme/c/3' and tags[4][1]['class'] == 'channel-ref'
    assert 'alert' not in sanitize(dirty)
