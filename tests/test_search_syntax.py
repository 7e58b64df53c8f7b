"""The search language and the snippet, without a database."""

from __future__ import annotations

from db.search_queries import fts5_match, postgresql_tsquery
from db.search_snippet import snippet_html
from db.search_syntax import ParsedQuery, Unit, parse


def nobody(_text: str, _start: int) -> None:
    return None


def ada(text: str, start: int) -> tuple[tuple[int, ...], int] | None:
    return ((7,), start + 3) if text[start : start + 3].lower() == 'ada' else None


def test_words_phrases_and_the_prefix_of_the_last_word() -> None:
    query = parse('Deploy "Release  notes" fri', nobody)
    assert query.units == [Unit(('deploy',)), Unit(('release', 'notes')), Unit(('fri',), prefix=True)]
    assert fts5_match(query.units) == '"deploy" "release notes" "fri"*'
    assert postgresql_tsquery(query.units) == "('deploy') & ('release' <-> 'notes') & ('fri':*)"


def test_a_closing_phrase_or_a_one_letter_word_is_no_prefix() -> None:
    assert parse('owl "at night"', nobody).units[-1].prefix is False
    assert parse('owl a', nobody).units[-1] == Unit(('a',))


def test_punctuation_separates_words_and_cannot_become_syntax() -> None:
    query = parse('NEAR(owl) e-mail "x" OR -y *', nobody)
    assert query.units == [Unit(('near', 'owl')), Unit(('e', 'mail')), Unit(('x',)), Unit(('or',)), Unit(('y',))]
    assert '"' not in ''.join(token for unit in query.units for token in unit.tokens)


def test_filters() -> None:
    query = parse('in:#General from:@Ada budget in:side', ada)
    assert query.channel_names == ['general', 'side'] and query.author_ids == {7}
    assert query.units == [Unit(('budget',))]
    assert parse('from:@zed x', ada).errors == ['Nobody called "zed" is in this workspace.']
    assert parse('in:#no!pe x', ada).errors


def test_too_many_words_is_an_error() -> None:
    assert parse(' '.join(f'w{n}' for n in range(17)), nobody).errors
    assert ParsedQuery().has_filter is False


def test_snippet_escapes_marks_whole_words_and_cuts_a_window() -> None:
    body = 'x' * 300 + ' the <b>Café</b> cafeteria ' + 'y' * 300
    snippet = snippet_html(body, ['cafe'], ['cafet'])
    assert snippet.startswith('…') and snippet.endswith('…')
    assert '&lt;b&gt;<mark>Café</mark>&lt;/b&gt; <mark>cafeteria</mark>' in snippet
    assert '<b>' not in snippet
    assert snippet_html('nothing matches here', ['zzz']) == 'nothing matches here'
