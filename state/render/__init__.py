"""Write-time rendering of user text: markdown subset, mentions, #channel refs, emoji; always safe HTML."""

from state.render.emoji import EmojiEntry, canonical_shortcode, emoji_for, search_emoji
from state.render.markdown import Rendered, render_message, sanitize
from state.render.refs import ChannelRef, Resolver, StaticResolver, UserRef, channel_url

__all__ = [
    'ChannelRef',
    'EmojiEntry',
    'Rendered',
    'Resolver',
    'StaticResolver',
    'UserRef',
    'canonical_shortcode',
    'channel_url',
    'emoji_for',
    'render_message',
    'sanitize',
    'search_emoji',
]
