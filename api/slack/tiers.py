"""Rate-limit tiers of the read methods, as Slack's Web API documents them (writes are limited by their actions).

Slack's tiers: 2 about 20 calls a minute, 3 about 50, 4 about 100, with short bursts. One bucket per tier and
token user (Slack keeps one per method and app: ours is stricter for a bot that reads many kinds of thing at
once, and simpler). A refusal is Slack's `ratelimited` with `Retry-After` (api/slack/routes.py).
"""

from __future__ import annotations

READ_TIERS: dict[str, int] = {
    'search.messages': 2,
    'users.list': 2,
    'conversations.list': 3,
    'conversations.history': 3,
    'conversations.replies': 3,
    'reactions.get': 3,
    'pins.list': 2,
    'stars.list': 3,
    'team.info': 3,
    'bots.info': 3,
    'users.getPresence': 3,
    'conversations.info': 4,
    'conversations.members': 4,
    'users.info': 4,
    'chat.getPermalink': 4,
}


def tier_kind(method_name: str) -> str | None:
    """The rate limiter's kind for this method (state/rate_limit.py), or None when it is not a tiered read."""
    tier = READ_TIERS.get(method_name)
    return f'api_tier{tier}' if tier is not None else None
