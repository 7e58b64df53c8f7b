"""Server side of the composer (composer.js): props for autocomplete and a way to hand text back on failure."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from components.client_calls import call_method
from state.actions.slash_commands import COMMANDS

# (name, usage, description) for the / autocomplete: one tuple shared by every composer.
COMMAND_HINTS = tuple((c.name, c.usage, c.description) for c in COMMANDS.values())


class Composer(ui.element, component='composer.js', dependencies=['outbox.js', 'schedule_times.js']):
    def __init__(
        self,
        *,
        draft_key: str,
        placeholder: str,
        max_chars: int,
        members: Sequence[tuple[int, str]],
        channels: Sequence[tuple[int, str]],
        emoji_url: str,
        thread: bool = False,
        read_only: bool = False,
        schedulable: bool = False,
    ) -> None:
        super().__init__()
        self.props['draft-key'] = draft_key
        self.props['placeholder'] = placeholder
        self.props['max-chars'] = max_chars
        self._set_suggestions(members, channels)
        self.props['emoji-url'] = emoji_url
        self.props['commands'] = COMMAND_HINTS
        self.props['thread'] = thread
        self.props['read-only'] = read_only
        self.props['schedulable'] = schedulable

    def configure(self, *, draft_key: str, outbox_key: str, placeholder: str, read_only: bool) -> None:
        """Point the composer at another conversation (its draft comes back from the browser's storage, and what
        its outbox still holds for it is sent again)."""
        self.props['draft-key'] = draft_key
        self.props['outbox-key'] = outbox_key
        self.props['placeholder'] = placeholder
        self.props['read-only'] = read_only
        self.update()

    def set_suggestions(self, *, members: Sequence[tuple[int, str]], channels: Sequence[tuple[int, str]]) -> None:
        """New people or channels for the @ and # autocomplete."""
        self._set_suggestions(members, channels)
        self.update()

    def _set_suggestions(self, members: Sequence[tuple[int, str]], channels: Sequence[tuple[int, str]]) -> None:
        # Tuples, not lists: NiceGUI wraps every list put into props in an ObservableList of its own, and a
        # workspace's roster of 500 people became ~300 KB and ~2,000 objects for the garbage collector per
        # composer, two per tab (bench/RESULTS.md). The browser gets the same JSON arrays.
        # The roster's own sorted tuple is shared by every tab of the workspace, so it is kept as it is.
        self.props['members'] = (
            members if isinstance(members, tuple) else tuple((int(m[0]), str(m[1])) for m in members)
        )
        self.props['channels'] = tuple((int(c[0]), str(c[1])) for c in channels)

    def set_has_files(self, has_files: bool) -> None:
        if self.props.get('has-files', False) == has_files:
            return  # every send clears the files: re-sending the whole element (roster included) is waste
        self.props['has-files'] = has_files
        self.update()

    def restore(self, body: str, error: str, client_msg_id: str | None = None) -> None:
        """The message was refused: it leaves the browser's outbox, and the text comes back with the reason."""
        call_method(self, 'restore', body, error, client_msg_id)

    def insert_text(self, text: str) -> None:
        call_method(self, 'insertText', text)
