"""Built-in slash commands typed in the composer, as Slack has them: `/me`, `/shrug`, `/topic`, `/invite`, `/leave`,
`/msg`, `/away`, `/active`, `/dnd`, `/mute`.

A command is a shortcut to actions that exist anyway (send, set the topic, invite, leave, open a DM, manual
presence, notifications), so each one is authorized and limited exactly as the action is. `run_command` answers
what the person should be told (Slack shows it to them alone); a message the command posts is an ordinary one.
Text that starts with `/` but names no command is refused with a clear reason, so a typo is never posted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from db.directory_queries import visible_people_ids, workspace_people
from db.engine import read_session
from db.models import Channel, ChannelMember, utcnow
from state.actions import channels, messages, profile
from state.actions.guards import joined_channel
from state.errors import InvalidInput, NotFound
from state.events import MessageView

SHRUG = r'¯\\\_(ツ)\_/¯'  # escaped for our markdown: it shows as ¯\_(ツ)_/¯
_DURATION = re.compile(r'(\d{1,4})\s*(m|min|minutes?|h|hours?)?', re.IGNORECASE)
MAX_DND_MINUTES = 24 * 60


@dataclass(frozen=True)
class CommandContext:
    actor_id: int
    workspace_id: int
    channel_id: int
    client_msg_id: str | None
    thread_root_id: int | None = None


@dataclass(frozen=True)
class CommandOutcome:
    notice: str = ''  # shown to the person alone; empty when the result speaks for itself
    posted: MessageView | None = None  # the message the command sent, if any


@dataclass(frozen=True)
class SlashCommand:
    name: str
    usage: str
    description: str
    run: Callable[[CommandContext, str], CommandOutcome] = field(repr=False)


def is_command(text: str) -> bool:
    """Text the composer should hand to `run_command`: a `/word` at its very start (`//x` is a message)."""
    return bool(re.match(r'/[A-Za-z]', text.lstrip()))


def is_built_in(text: str) -> bool:
    """Whether the command at the start of `text` is one of ours (else a workspace's custom command may have it)."""
    return text.strip().partition(' ')[0][1:].lower() in COMMANDS


def run_command(context: CommandContext, text: str) -> CommandOutcome:
    name, _, argument = text.strip().partition(' ')
    command = COMMANDS.get(name[1:].lower())
    if command is None:
        raise InvalidInput(f'{name} is not a command here. Type / to see the ones there are, or //text to post it.')
    return command.run(context, argument.strip())


# ---- the commands -----------------------------------------------------------------------------------------


def _me(context: CommandContext, argument: str) -> CommandOutcome:
    if not argument:
        raise InvalidInput('Say what you are doing: /me waves.')
    return CommandOutcome(posted=_post(context, f'_{argument}_'))


def _shrug(context: CommandContext, argument: str) -> CommandOutcome:
    return CommandOutcome(posted=_post(context, f'{argument} {SHRUG}'.strip()))


def _topic(context: CommandContext, argument: str) -> CommandOutcome:
    view = channels.set_topic(context.actor_id, context.channel_id, argument)
    return CommandOutcome(notice=f'Topic set to "{view.topic}".' if view.topic else 'Topic cleared.')


def _invite(context: CommandContext, argument: str) -> CommandOutcome:
    user_id, name, _ = _person(context, argument)
    channels.invite_to_channel(context.actor_id, context.channel_id, user_id)
    return CommandOutcome(notice=f'{name} was added.')


def _leave(context: CommandContext, _argument: str) -> CommandOutcome:
    channels.leave_channel(context.actor_id, context.channel_id)
    return CommandOutcome(notice='You left the channel.')


def _msg(context: CommandContext, argument: str) -> CommandOutcome:
    user_id, name, text = _person(context, argument)
    if not text:
        raise InvalidInput(f'Write the message after the name: /msg @{name} hello.')
    direct = channels.open_direct(context.actor_id, context.workspace_id, [user_id])
    messages.send_message(context.actor_id, direct.id, text, None)
    return CommandOutcome(notice=f'Sent to {name}.')


def _away(context: CommandContext, _argument: str) -> CommandOutcome:
    profile.set_manual_presence(context.actor_id, 'away')
    return CommandOutcome(notice='You are shown as away until you type /active.')


def _active(context: CommandContext, _argument: str) -> CommandOutcome:
    profile.set_manual_presence(context.actor_id, None)
    return CommandOutcome(notice='You are shown as active again.')


def _dnd(context: CommandContext, argument: str) -> CommandOutcome:
    minutes = _minutes(argument or '60m')
    profile.set_manual_presence(context.actor_id, 'busy', utcnow() + timedelta(minutes=minutes))
    return CommandOutcome(notice=f'Do not disturb for {minutes} minutes; /active ends it.')


def _mute(context: CommandContext, _argument: str) -> CommandOutcome:
    _, member = _membership(context)
    channels.set_notifications(context.actor_id, context.channel_id, member.notification_level, not member.muted)
    return CommandOutcome(notice='Channel unmuted.' if member.muted else 'Channel muted.')


COMMANDS: dict[str, SlashCommand] = {
    command.name: command
    for command in (
        SlashCommand('me', '/me text', 'Post what you are doing, in italics', _me),
        SlashCommand('shrug', '/shrug [text]', 'Post ¯\\_(ツ)_/¯ after your text', _shrug),
        SlashCommand('topic', '/topic text', "Set the channel's topic", _topic),
        SlashCommand('invite', '/invite @person', 'Add someone to this channel', _invite),
        SlashCommand('leave', '/leave', 'Leave this channel', _leave),
        SlashCommand('msg', '/msg @person text', 'Send someone a direct message', _msg),
        SlashCommand('away', '/away', 'Show as away', _away),
        SlashCommand('active', '/active', 'Show as active again', _active),
        SlashCommand('dnd', '/dnd [30m | 2h]', 'Do not disturb for a while (an hour by default)', _dnd),
        SlashCommand('mute', '/mute', 'Mute or unmute this channel', _mute),
    )
}


# ---- helpers ----------------------------------------------------------------------------------------------


def _post(context: CommandContext, body: str) -> MessageView:
    return messages.send_message(
        context.actor_id, context.channel_id, body, context.client_msg_id, thread_root_id=context.thread_root_id
    )


def _membership(context: CommandContext) -> tuple[Channel, ChannelMember]:
    with read_session() as session:
        return joined_channel(session, context.actor_id, context.channel_id)


def _person(context: CommandContext, argument: str) -> tuple[int, str, str]:
    """The workspace member whose name `@…` starts the argument (the longest name that fits), and the rest.

    Only among the people the actor may see: a guest cannot learn who else is in the workspace by name.
    """
    wanted = argument.removeprefix('@')
    if not wanted:
        raise InvalidInput('Name someone: @name.')
    visible = visible_people_ids(context.workspace_id, context.actor_id)
    found = workspace_people(context.workspace_id).items()
    people = sorted(((uid, name) for uid, name in found if uid in visible), key=lambda item: -len(item[1]))
    for user_id, name in people:
        head, rest = wanted[: len(name)], wanted[len(name) :]
        if head.casefold() == name.casefold() and (not rest or rest[0].isspace()):
            return user_id, name, rest.strip()
    raise NotFound(f'Nobody called {argument.split()[0] if argument.split() else argument} is in this workspace.')


def _minutes(argument: str) -> int:
    match = _DURATION.fullmatch(argument.strip())
    if match is None:
        raise InvalidInput('Give a time like 30m or 2h.')
    amount = int(match.group(1))
    minutes = amount * 60 if (match.group(2) or 'm').lower().startswith('h') else amount
    if not 1 <= minutes <= MAX_DND_MINUTES:
        raise InvalidInput('Do not disturb lasts between a minute and a day.')
    return minutes
