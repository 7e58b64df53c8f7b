"""What the demo team talks about: people, channels and hand-written conversations.

Conversations name people by key and channels by name (or `dm:` plus the member keys). `day` counts from the
oldest of the five days of history (0) to the newest (4); `hour` is the UTC time the conversation starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str  # 'owner' | 'admin' | 'member'

    @property
    def email(self) -> str:
        return f'{self.key}@demo.example'  # .example is reserved (RFC 2606): never a real mailbox


@dataclass(frozen=True)
class ChannelPlan:
    name: str
    topic: str
    private: bool = False
    members: tuple[str, ...] = ()  # empty: everyone


@dataclass(frozen=True)
class Line:
    who: str
    text: str
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (emoji shortcode, who reacted)
    replies: tuple[Line, ...] = ()  # a thread under this message
    gap_minutes: float = 2.0  # time since the previous line of the conversation


@dataclass(frozen=True)
class Conversation:
    where: str  # channel name, or 'dm:alice,bob'
    day: int
    hour: float
    lines: tuple[Line, ...] = field(default_factory=tuple)


PEOPLE = (
    Person('alice', 'Alice Chen', 'owner'),
    Person('bob', 'Bob Martinez', 'admin'),
    Person('carol', 'Carol Okafor', 'member'),
    Person('dave', 'Dave Kim', 'member'),
    Person('erin', 'Erin Novak', 'member'),
    Person('frank', 'Frank Osei', 'member'),
)

CHANNELS = (
    ChannelPlan('random', 'Non-work banter and water cooler conversation'),
    ChannelPlan('engineering', 'Builds, reviews, deploys. Standup thread every morning.'),
    ChannelPlan('design', 'Mockups, feedback and the design system'),
    ChannelPlan('leadership', 'Planning and hiring (private)', private=True, members=('alice', 'bob', 'carol')),
)

DIRECT = (('alice', 'bob'), ('carol', 'erin'), ('alice', 'dave', 'erin'), ('frank', 'bob'))

CONVERSATIONS: tuple[Conversation, ...] = (
    Conversation(
        'general',
        0,
        8.5,
        (
            Line(
                'alice',
                'Good morning everyone :wave: Welcome to the new chat! Everything team-wide goes in '
                '#general, chit-chat in #random, and build talk in #engineering.',
                reactions=(('wave', ('bob', 'carol', 'dave', 'erin')), ('tada', ('frank',))),
            ),
            Line('bob', 'Finally, no more 40-reply email chains :raised_hands:', gap_minutes=3),
            Line(
                'carol',
                'Is there a dark mode? Asking for my eyes.',
                gap_minutes=4,
                replies=(
                    Line('erin', 'Not yet, but it is on the list :eyes:'),
                    Line('carol', 'I will hold you to that', gap_minutes=1),
                ),
            ),
            Line(
                'frank',
                'Quick reminder: the support rota for next week is pinned in the wiki. Ping me if you need to swap.',
                gap_minutes=25,
            ),
        ),
    ),
    Conversation(
        'engineering',
        0,
        10.0,
        (
            Line(
                'dave',
                'Heads up: I am upgrading the database driver on staging this afternoon. '
                'Expect a couple of minutes of downtime around 15:00.',
                reactions=(('thumbsup', ('bob', 'erin')),),
            ),
            Line(
                'bob',
                'Thanks for the warning. Can you post the migration plan first?',
                gap_minutes=6,
                replies=(
                    Line(
                        'dave',
                        'Sure:\n1. snapshot\n2. upgrade the driver\n3. run `alembic upgrade head`\n4. smoke tests',
                        gap_minutes=5,
                    ),
                    Line('bob', 'LGTM :rocket:', gap_minutes=2),
                    Line('erin', 'Add "clear the CDN cache" after 4, it bit us last time', gap_minutes=3),
                    Line('dave', 'Good call, added.', gap_minutes=1),
                ),
            ),
            Line(
                'dave',
                'Staging is back, all smoke tests green :white_check_mark:',
                gap_minutes=300,
                reactions=(('tada', ('bob', 'erin', 'alice')),),
            ),
        ),
    ),
    Conversation(
        'random',
        0,
        12.2,
        (
            Line('erin', 'Lunch poll: tacos :taco: or ramen :ramen:?'),
            Line('dave', 'Tacos. Always tacos.', gap_minutes=1, reactions=(('taco', ('erin', 'frank')),)),
            Line('frank', 'Ramen, it is raining', gap_minutes=1),
            Line('carol', 'Both? Both is good.', gap_minutes=2, reactions=(('joy', ('erin', 'dave', 'bob')),)),
            Line('erin', 'Tacos win 3 to 1. Meeting at the door in 10.', gap_minutes=6),
        ),
    ),
    Conversation(
        'leadership',
        0,
        16.0,
        (
            Line(
                'alice',
                'Q3 planning: I would like a draft of the roadmap by Friday. @Bob Martinez can you own '
                'the engineering part?',
            ),
            Line(
                'bob',
                'Yes. I will include the migration to the new search index and the mobile push work.',
                gap_minutes=8,
            ),
            Line(
                'carol',
                'I can add the design system milestones. Are we still aiming for the redesign in Q3?',
                gap_minutes=5,
                replies=(
                    Line('alice', 'Early Q4 is more realistic. Let us not promise Q3.', gap_minutes=10),
                    Line('carol', 'Agreed, I will plan for October.', gap_minutes=3),
                ),
            ),
        ),
    ),
    Conversation(
        'dm:alice,bob',
        0,
        17.5,
        (
            Line('alice', 'Do you have 15 minutes tomorrow for a 1:1? Want to talk about hiring.'),
            Line('bob', 'Sure, 10:30 works.', gap_minutes=4),
            Line('alice', 'Booked :thumbsup:', gap_minutes=1),
        ),
    ),
    Conversation(
        'general',
        1,
        9.0,
        (
            Line(
                'frank',
                'Customer update: the Acme account renewed for another year :tada:',
                reactions=(('tada', ('alice', 'bob', 'carol', 'dave', 'erin')), ('100', ('alice',))),
            ),
            Line('alice', 'Huge, thanks @Frank Osei and everyone who helped with their onboarding!', gap_minutes=5),
        ),
    ),
    Conversation(
        'design',
        1,
        11.0,
        (
            Line(
                'carol',
                'New mockups for the settings page are up: https://example.com/figma/settings-v3 '
                'Feedback welcome, especially on the notification section.',
            ),
            Line(
                'erin',
                'Love the grouping. The toggles on mobile look a bit small though.',
                gap_minutes=20,
                replies=(
                    Line('carol', 'Good point, I will bump them to 44px.', gap_minutes=6),
                    Line('erin', ':pray:', gap_minutes=1),
                ),
            ),
            Line(
                'alice',
                'This is so much clearer than what we have now. Ship it!',
                gap_minutes=30,
                reactions=(('heart', ('carol',)),),
            ),
        ),
    ),
    Conversation(
        'engineering',
        1,
        14.0,
        (
            Line('erin', 'Anyone else seeing flaky tests in `test_upload_resume`? Failed twice on CI today.'),
            Line(
                'dave',
                'Yes, I think it is a race between the cleanup job and the test. Looking.',
                gap_minutes=7,
                replies=(
                    Line(
                        'dave',
                        'Found it: the test did not wait for the upload to be committed before '
                        'checking. Fix in review.',
                        gap_minutes=45,
                    ),
                    Line('erin', 'Thank you!', gap_minutes=2, reactions=(('pray', ('dave',)),)),
                ),
            ),
        ),
    ),
    Conversation(
        'dm:carol,erin',
        1,
        15.5,
        (
            Line('carol', 'Do you want to pair on the new date picker tomorrow?'),
            Line('erin', 'Yes please, after standup?', gap_minutes=3),
            Line('carol', 'Perfect', gap_minutes=1),
        ),
    ),
    Conversation(
        'random',
        1,
        16.5,
        (
            Line(
                'bob',
                'PSA: there is cake in the kitchen :cake: Frank baked.',
                reactions=(('cake', ('carol', 'dave', 'erin')), ('heart', ('alice',))),
            ),
            Line('frank', 'Lemon drizzle. Recipe on request.', gap_minutes=2),
            Line('carol', 'Requesting the recipe :raised_hands:', gap_minutes=5),
        ),
    ),
    Conversation(
        'general',
        2,
        9.2,
        (
            Line(
                'alice',
                '**All-hands on Thursday at 16:00.** Agenda: Q3 results, the roadmap, and a demo from the '
                'design team. Questions for the Q&A go in the thread.',
                reactions=(('thumbsup', ('bob', 'carol', 'dave', 'erin', 'frank')),),
                replies=(
                    Line('dave', 'Will it be recorded?', gap_minutes=12),
                    Line('alice', 'Yes, the recording goes in the wiki.', gap_minutes=4),
                    Line('frank', 'Question: are we hiring for support next quarter?', gap_minutes=30),
                ),
            ),
        ),
    ),
    Conversation(
        'engineering',
        2,
        13.0,
        (
            Line(
                'bob',
                "Postmortem for Tuesday's outage is up. TL;DR: a config change disabled connection "
                'pooling; we now validate configs in CI. Please read and comment by Friday.',
                reactions=(('eyes', ('dave', 'erin')),),
            ),
            Line(
                'dave',
                'Nice write-up. One more action item: alert when the pool is exhausted.',
                gap_minutes=40,
                replies=(
                    Line('bob', 'Added, assigned to you :smile:', gap_minutes=3),
                    Line(
                        'dave',
                        'Walked right into that one :sweat_smile:',
                        gap_minutes=1,
                        reactions=(('joy', ('bob', 'erin')),),
                    ),
                ),
            ),
        ),
    ),
    Conversation(
        'leadership',
        2,
        15.0,
        (
            Line('bob', 'We have two strong candidates for the backend role. Debrief tomorrow?'),
            Line('alice', 'Yes. Can @Carol Okafor join for the culture interview notes?', gap_minutes=12),
            Line('carol', 'I will be there.', gap_minutes=5),
        ),
    ),
    Conversation(
        'dm:alice,dave,erin',
        2,
        16.2,
        (
            Line('alice', 'You two did great work on the upload speedups. Customers noticed :clap:'),
            Line('erin', 'Thanks! Dave did the hard part.', gap_minutes=6),
            Line('dave', 'Team effort. Erin made the progress bar actually honest :smile:', gap_minutes=3),
        ),
    ),
    Conversation(
        'random',
        2,
        17.0,
        (
            Line('dave', 'What is everyone reading? I just finished "The Design of Everyday Things".'),
            Line('carol', 'Classic. I am on "Thinking in Systems" right now.', gap_minutes=5),
            Line('frank', 'Cookbooks. Many cookbooks.', gap_minutes=4, reactions=(('joy', ('dave', 'carol')),)),
        ),
    ),
    Conversation(
        'design',
        3,
        10.0,
        (
            Line(
                'carol',
                'Design system update: buttons and inputs now share one set of tokens. '
                'Docs: https://example.com/design-system/tokens',
            ),
            Line(
                'erin',
                'Migrating the composer to the new tokens today.',
                gap_minutes=15,
                reactions=(('rocket', ('carol',)),),
            ),
        ),
    ),
    Conversation(
        'engineering',
        3,
        14.5,
        (
            Line('erin', 'Release notes draft for 2.4 is in the doc. @Dave Kim can you check the API section?'),
            Line('dave', 'On it after lunch.', gap_minutes=5),
            Line(
                'dave',
                'Done, two small fixes: the rate limit is per token, not per user, and `files.upload` '
                'now returns the thumbnail URL.',
                gap_minutes=90,
                reactions=(('white_check_mark', ('erin',)),),
            ),
        ),
    ),
    Conversation(
        'dm:frank,bob',
        3,
        15.0,
        (
            Line('frank', 'A customer reports that search misses messages older than a month. Known issue?'),
            Line('bob', 'Not known. Can you get me the workspace and an example query?', gap_minutes=10),
            Line('frank', 'Sent by email. Thanks!', gap_minutes=15),
        ),
    ),
    Conversation(
        'general',
        3,
        16.0,
        (
            Line(
                'bob',
                'Welcome our new intern starting Monday! Please say hi in #random when you see them.',
                reactions=(('wave', ('alice', 'carol', 'dave', 'erin', 'frank')),),
            ),
        ),
    ),
    Conversation(
        'random',
        4,
        12.0,
        (
            Line('erin', 'Friday question: best snack for a long afternoon of code review?'),
            Line('bob', 'Pretzels. Salty, crunchy, no crumbs on the keyboard.', gap_minutes=2),
            Line('dave', 'Coffee counts as a snack :coffee:', gap_minutes=1, reactions=(('coffee', ('frank', 'bob')),)),
            Line('alice', 'Dark chocolate, no contest.', gap_minutes=6),
        ),
    ),
    Conversation(
        'engineering',
        4,
        15.0,
        (
            Line(
                'bob',
                '@channel code freeze for 2.4 starts Monday 12:00. Get your PRs in before then :pray:',
                reactions=(('thumbsup', ('dave', 'erin')),),
            ),
            Line('erin', 'Two more PRs from me, both small.', gap_minutes=5),
        ),
    ),
    Conversation(
        'general',
        4,
        17.0,
        (
            Line(
                'alice',
                'Have a great weekend everyone! Thanks for a strong week :sparkles:',
                reactions=(('heart', ('bob', 'carol', 'dave', 'erin', 'frank')),),
            ),
            Line('frank', 'You too!', gap_minutes=2),
        ),
    ),
    Conversation(
        'leadership',
        4,
        10.5,
        (
            Line(
                'alice',
                'Offer accepted by the backend candidate :tada: Start date in three weeks.',
                reactions=(('tada', ('bob', 'carol')),),
            ),
            Line(
                'bob',
                'Great news. I will prepare the onboarding plan. @Alice Chen can you send the laptop order?',
                gap_minutes=7,
            ),
        ),
    ),
)

# Pieces for the generated part of the history: standups, reviews, deploys and small talk.
STANDUP_TASKS = (
    'the search indexing job',
    'flaky upload tests',
    'the settings page',
    'API docs for reactions',
    'the date picker',
    'presence timeouts',
    'the Postgres migration',
    'thumbnail generation',
    'keyboard shortcuts',
    'the invite flow',
    'rate limits on the Web API',
    'unread counts in the sidebar',
    'dark mode colours',
    'the release notes',
    'error pages',
    'the onboarding checklist',
    'email digests',
    'the webhook retries',
)
REVIEW_TITLES = (
    'Cache channel lists per workspace',
    'Fix off-by-one in thread reply counts',
    'Add /healthz details',
    'Debounce typing indicators',
    'Stream uploads to disk',
    'Paginate search results with keyset',
    'Use one timestamp per invite',
    'Render mentions at write time',
    'Tighten CSP headers',
    'Retry webhook deliveries with backoff',
    'Sidebar: show muted channels greyed out',
    'Composer: keep draft per channel',
    'Log slow queries over 100 ms',
    'Drop unused indexes',
    'Add emoji autocomplete',
    'Speed up unread count query',
    'Make thread panel resizable',
)
REVIEW_REPLIES = (
    'LGTM :rocket:',
    'Approved :white_check_mark:',
    'One nit, otherwise good to go.',
    'Left two comments.',
    'Nice, much simpler than before.',
    'Merging after CI :ship:',
)
SMALL_TALK = (
    ('random', 'Coffee run in 5 minutes, who is in? :coffee:'),
    ('random', 'The office plants have been watered. You are welcome :seedling:'),
    ('random', 'Anyone up for a walk at 3?'),
    ('random', 'Today I learned that sloths can hold their breath longer than dolphins.'),
    ('random', 'New playlist for focus time: mostly rain sounds and jazz.'),
    ('random', 'The coffee machine is fixed :tada:'),
    ('random', 'Who left the excellent cookies in the kitchen? Asking for a friend.'),
    ('random', 'Bike to work day tomorrow :bike:'),
    ('general', 'Reminder: timesheets are due by end of day.'),
    ('general', 'The Wi-Fi in meeting room 2 is back.'),
    ('general', 'I am out tomorrow afternoon, ping me before 13:00 if you need anything.'),
    ('general', 'Updated the holiday calendar in the wiki.'),
    ('design', 'Quick poll: rounded or square avatars?'),
    ('design', 'Exported the new icon set to the shared drive.'),
    ('engineering', 'CI is green again after the cache fix :green_heart:'),
    ('engineering', 'Reminder: rotate your API tokens if they are older than 90 days.'),
)
SMALL_TALK_REPLIES = ('Me!', 'Count me in', ':joy:', 'Thanks!', 'Nice', '+1', 'On my way', 'Good to know')
