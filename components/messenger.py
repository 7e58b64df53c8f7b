"""What a user does to the messages of one list (send, edit, delete, react), shared by the pane and the thread.

Every action runs off the event loop (`state.blocking.off_loop`), so a locked or slow database holds up only
this user's request. One tab's sends run one after another, so they are stored in the order they were typed.

The browser shows a message as pending the moment it is typed, and keeps it in its outbox until the confirmed
copy (same `client_msg_id`) arrives (composer.js, outbox.js). A refusal (too long, archived, ...) removes it
and hands the text back to the composer with the reason; a server fault marks it failed, and Retry (or the
next reconnect) resends with the same `client_msg_id`, which the action makes idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nicegui import ui

from components.attachments import AttachmentUploader
from components.composer import Composer
from components.message_list import MessageList
from db.errors import DatabaseUnavailable
from state.actions import messages as message_actions
from state.actions import reactions as reaction_actions
from state.actions import slash_commands
from state.blocking import off_loop
from state.errors import ActionError
from state.integrations.command_calls import run_custom_command

log = logging.getLogger(__name__)

EDIT_ATTEMPTS = 5  # a busy database: an edit is tried again this often, a second apart
EDIT_RETRY_SECONDS = 1.0


class Messenger:
    def __init__(
        self, user_id: int, workspace_id: int, messages: MessageList, composer: Composer, uploader: AttachmentUploader
    ) -> None:
        self.user_id = user_id
        self.workspace_id = workspace_id
        self.messages = messages
        self.composer = composer
        self.uploader = uploader
        self._sending = asyncio.Lock()

    async def send(
        self,
        channel_id: int,
        body: str,
        client_msg_id: str,
        *,
        thread_root_id: int | None = None,
        also_in_channel: bool = False,
    ) -> None:
        if slash_commands.is_command(body) and not self.uploader.has_files:
            context = slash_commands.CommandContext(
                self.user_id, self.workspace_id, channel_id, client_msg_id, thread_root_id=thread_root_id
            )
            if not slash_commands.is_built_in(body) and await self._custom_command(context, body):
                return
            await self._command(context, body)
            return
        if body.startswith('//'):  # "//text" posts "/text" (how one writes a message that starts with a slash)
            body = body[1:]
        if self.uploader.is_busy:
            self._hand_back(body, 'Files are still uploading; send again when they are done.', client_msg_id)
            return
        try:
            async with self._sending:
                view = await off_loop(
                    message_actions.send_message,
                    self.user_id,
                    channel_id,
                    body,
                    client_msg_id,
                    thread_root_id=thread_root_id,
                    also_in_channel=also_in_channel,
                    attachment_ids=self.uploader.pending_ids(),
                )
        except ActionError as error:
            self._hand_back(body, error.message, client_msg_id)
            return
        except DatabaseUnavailable:
            self.messages.failed(client_msg_id, 'Not sent yet: the server is busy. Retry?')
            return
        except Exception:
            log.exception('sending a message failed')
            self.messages.failed(client_msg_id, 'Not sent: the server had a problem. Retry?')
            return
        self.uploader.clear_pending()
        self.messages.append(view, sent_here=True)

    async def _command(self, context: slash_commands.CommandContext, body: str) -> None:
        client_msg_id = context.client_msg_id or ''
        try:
            async with self._sending:
                outcome = await off_loop(slash_commands.run_command, context, body)
        except ActionError as error:
            self._hand_back(body, error.message, client_msg_id)
            return
        except DatabaseUnavailable:
            self.messages.failed(client_msg_id, 'Not done yet: the server is busy. Retry?')
            return
        if outcome.posted is not None:
            # /me and /shrug: the confirmed copy replaces the pending one
            self.messages.append(outcome.posted, sent_here=True)
        else:
            self.messages.remove_pending(client_msg_id)
        if outcome.notice:
            ui.notify(outcome.notice)

    async def _custom_command(self, context: slash_commands.CommandContext, body: str) -> bool:
        """A workspace's own command (`/deploy`): its app answers, ephemeral or in the channel. False: none such."""
        client_msg_id = context.client_msg_id or ''
        try:
            ran = await run_custom_command(self.user_id, context.channel_id, body, context.thread_root_id)
        except ActionError as error:
            self._hand_back(body, error.message, client_msg_id)
            return True
        except DatabaseUnavailable:
            self.messages.failed(client_msg_id, 'Not done yet: the server is busy. Retry?')
            return True
        if ran:
            self.messages.remove_pending(client_msg_id)  # the command text itself is never posted
        return ran

    def _hand_back(self, body: str, reason: str, client_msg_id: str) -> None:
        """Refused: the pending copy goes, and the text returns to the composer with the reason."""
        self.messages.remove_pending(client_msg_id)
        self.composer.restore(body, reason, client_msg_id)

    async def edit(self, message_id: int | None, body: str) -> None:
        """An edit waits in the browser until it is applied or refused (outbox.js). A busy database is tried
        again a few times; after that the edit stays in the browser and the next connect sends it again."""
        if message_id is None:
            return
        for attempt_number in range(EDIT_ATTEMPTS):
            try:
                view = await off_loop(message_actions.edit_message, self.user_id, message_id, body)
                break
            except ActionError as error:
                ui.notify(error.message, type='warning')
                self.messages.edit_done(message_id)
                return
            except DatabaseUnavailable:
                if attempt_number == EDIT_ATTEMPTS - 1:
                    ui.notify(
                        'The server is busy: your edit is kept and sent again when you reconnect.', type='warning'
                    )
                    return
                await asyncio.sleep(EDIT_RETRY_SECONDS)
        self.messages.update_message(view)  # before the bus's copy: the "saving" state ends on the new text
        self.messages.edit_done(message_id)

    async def delete(self, message_id: int | None) -> None:
        if message_id is not None:
            await attempt(self.user_id, message_actions.delete_message, message_id)

    async def react(self, message_id: int | None, emoji: str) -> None:
        if message_id is not None:
            await attempt(self.user_id, reaction_actions.toggle_reaction, message_id, emoji)

    def files_changed(self) -> None:
        self.composer.set_has_files(self.uploader.has_files)


async def attempt(user_id: int, action: Callable[..., Any], *args: Any) -> Any:
    """Run an action as this user, off the loop; a refusal becomes a clear message instead of an error page."""
    try:
        return await off_loop(action, user_id, *args)
    except ActionError as error:
        ui.notify(error.message, type='warning')
        return None
    except DatabaseUnavailable as error:
        ui.notify(str(error), type='warning')
        return None
