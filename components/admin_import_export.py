"""The admin tab for Slack archives: upload an export to import it (progress, then the report), or download the
workspace as one. The actions check owner/admin on every use; this tab only shows what they answer.

The import and the export run off the event loop (`state/blocking.py`); their progress comes back from the
worker thread through `loop.call_soon_threadsafe`, at most a few times a second, so the UI is touched only
on the loop (rule 10) and no timer polls (rule 7).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from pathlib import Path

from nicegui import events, ui

from db.engine import read_session
from db.models import Workspace
from settings import get_settings
from state.actions.slack_archive import export_slack_archive, import_slack_export
from state.blocking import off_loop
from state.errors import ActionError
from state.slack_archive.report import Progress

MAX_UPLOAD_BYTES = 2 * 1024**3  # the archive checks limit what it expands to; this limits what is stored
_PROGRESS_EVERY = 0.2  # seconds between progress updates sent to the tab


def build_import_export_tab(actor_id: int, workspace_id: int) -> None:
    _ImportExportTab(actor_id, workspace_id)


class _ImportExportTab:
    def __init__(self, actor_id: int, workspace_id: int) -> None:
        self.actor_id, self.workspace_id = actor_id, workspace_id
        self.busy = False
        with ui.column().classes('w-full max-w-2xl gap-3'):
            ui.label('Import from Slack').classes('text-lg font-medium')
            ui.label(
                "Upload a Slack workspace export (the zip from Slack's Export data page). People are matched by "
                'e-mail; importing the same export again adds nothing.'
            ).classes('text-sm text-gray-600')
            self.upload = (
                ui.upload(label='Slack export (.zip)', auto_upload=True, max_files=1, on_upload=self._on_upload)
                .props('accept=".zip,application/zip" data-testid=import-slack')
                .classes('w-full')
            )
            self.progress = ui.linear_progress(value=0, show_value=False).props('data-testid=import-progress')
            self.progress.set_visibility(False)
            self.status = ui.label('').props('data-testid=import-status').classes('text-sm')
            self.report = ui.column().props('data-testid=import-report').classes('gap-0 text-sm')
            ui.separator()
            ui.label('Export').classes('text-lg font-medium')
            ui.label("Download this workspace in Slack's export format (plus bookmarks and read positions).").classes(
                'text-sm text-gray-600'
            )
            self.export_button = ui.button('Export as Slack zip', icon='download', on_click=self._export).props(
                'data-testid=export-slack outline'
            )

    async def _on_upload(self, event: events.UploadEventArguments) -> None:
        self.upload.reset()
        if self.busy:
            ui.notify('An import or export is already running.', type='warning')
            return
        if event.file.size() > MAX_UPLOAD_BYTES:
            self._show_error(f'The file is larger than {MAX_UPLOAD_BYTES:,} bytes.')
            return
        folder = _work_dir()
        path = folder / 'export.zip'
        self._start('Reading the export…')
        try:
            await event.file.save(path)
            report = await off_loop(
                import_slack_export, self.actor_id, self.workspace_id, path, progress=self._progress_from_thread()
            )
        except ActionError as error:
            self._show_error(error.message)
            return
        except Exception:  # a database failure: what was written is recorded, so uploading again continues
            self._show_error('The import stopped because of a server error; upload the same export again to continue.')
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            self._stop()
        self.status.set_text('Import finished.')
        self._show_lines(report.lines())

    async def _export(self) -> None:
        if self.busy:
            return
        folder = _work_dir()
        path = folder / f'{_slug(self.workspace_id)}-slack-export.zip'
        self._start('Writing the export…')
        try:
            report = await off_loop(
                export_slack_archive, self.actor_id, self.workspace_id, path, progress=self._progress_from_thread()
            )
        except ActionError as error:
            shutil.rmtree(folder, ignore_errors=True)
            self._show_error(error.message)
            return
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            self._show_error('The export failed because of a server error.')
            raise
        finally:
            self._stop()
        ui.context.client.on_delete(lambda: shutil.rmtree(folder, ignore_errors=True))
        ui.download.file(path, path.name, 'application/zip')
        self.status.set_text('Export ready: the download has started.')
        self._show_lines(report.lines())

    # ---- view -------------------------------------------------------------------------------------------------

    def _start(self, text: str) -> None:
        self.busy = True
        self.report.clear()
        self.status.classes(remove='text-red-700')
        self.status.set_text(text)
        self.progress.set_value(0)
        self.progress.set_visibility(True)
        self.export_button.disable()

    def _stop(self) -> None:
        self.busy = False
        self.progress.set_visibility(False)
        self.export_button.enable()

    def _show_error(self, message: str) -> None:
        self.status.set_text(message)
        self.status.classes('text-red-700')

    def _show_lines(self, lines: list[str]) -> None:
        self.status.classes(remove='text-red-700')
        self.report.clear()
        with self.report:
            for line in lines:
                ui.label(line).props('data-testid=import-report-line')

    def _progress_from_thread(self) -> Progress:
        loop = asyncio.get_running_loop()
        last = [0.0]

        def show(done: int, total: int, what: str) -> None:
            self.progress.set_value(done / total if total else 1)
            self.status.set_text(what)

        def report(done: int, total: int, what: str) -> None:  # runs in the worker thread
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_EVERY or done == total:
                last[0] = now
                loop.call_soon_threadsafe(show, done, total, what)

        return report


def _work_dir() -> Path:
    """A fresh, unguessable folder for one upload or export (its URL, when downloaded, names it)."""
    folder = get_settings().data_dir / 'archives' / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    return folder


def _slug(workspace_id: int) -> str:
    with read_session() as session:
        workspace = session.get(Workspace, workspace_id)
    return workspace.slug if workspace is not None else 'workspace'
