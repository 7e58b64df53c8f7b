"""Password hashing parameters, policy, tokens and email normalisation."""

from __future__ import annotations

import pytest

from state.errors import InvalidInput
from state.security import (
    UNUSABLE_PASSWORD,
    check_password_policy,
    hash_password,
    new_token,
    normalize_email,
    token_hash,
    verify_password,
)


def test_hash_is_argon2id_with_the_owasp_minimum_parameters() -> None:
    hashed = hash_password('correct horse battery')
    assert hashed.startswith('$argon2id$v=19$m=19456,t=2,p=1$')
    assert verify_password('correct horse battery', hashed) == (True, None)
    assert verify_password('correct horse batterY', hashed) == (False, None)


def test_hash_is_salted() -> None:
    assert hash_password('same password') != hash_password('same password')


def test_verify_returns_a_new_hash_when_the_cost_settings_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    from settings import reset_settings_cache

    old = hash_password('rehash me please')
    monkeypatch.setenv('CHAT_ARGON2_TIME_COST', '3')
    reset_settings_cache()
    ok, new_hash = verify_password('rehash me please', old)
    assert ok
    assert new_hash is not None and '$m=19456,t=3,p=1$' in new_hash
    assert verify_password('rehash me please', new_hash) == (True, None)


def test_unusable_and_corrupt_hashes_never_match() -> None:
    assert verify_password('anything at all', UNUSABLE_PASSWORD) == (False, None)
    assert verify_password('anything at all', '$argon2id$garbage') == (False, None)


@pytest.mark.parametrize(
    ('password', 'message'),
    [
        ('short', 'at least 8'),
        ('x' * 129, 'at most 128'),
        (' ' * 12, 'only spaces'),
        ('\t \n  \u3000   \t', 'only spaces'),
    ],
)
def test_password_policy_rejects(password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_password_policy(password)


@pytest.mark.parametrize('password', ['12345678', 'x' * 128, 'pass word with spaces', 'üñíçødé-pässwörd'])
def test_password_policy_accepts(password: str) -> None:
    check_password_policy(password)


def test_tokens_are_random_and_only_their_hash_is_deterministic() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(first) >= 43  # 32 random bytes in URL-safe base64
    assert token_hash(first) == token_hash(first)
    assert len(token_hash(first)) == 64 and token_hash(first) != first


@pytest.mark.parametrize(
    ('raw', 'expected'),
    [
        (' Alice@Example.COM ', 'alice@example.com'),
        ('bob.smith+chat@mail.example.org', 'bob.smith+chat@mail.example.org'),
    ],
)
def test_email_is_normalised(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    'raw',
    [
        '',
        '   ',
        'plainaddress',
        '@example.com',
        'alice@',
        'alice@example',
        'alice@@example.com',
        'al ice@example.com',
        'alice@exa_mple.com',
        '.alice@example.com',
        'alice.@example.com',
        'al..ice@example.com',
        'alice@example.com\nx',
        'a' * 65 + '@example.com',
        'alice@' + 'e' * 250 + '.com',
        'alice@-example.com',
    ],
)
def test_malformed_email_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_email(raw)
