"""The browser modules the components import by bare name are registered NiceGUI dependencies, one file each.

NiceGUI puts every registered dependency into every page's import map under its file stem, so an import that no
element lists would fail in the browser only, and a second file with the same stem would silently replace the
first. This reads the `import ... from "name"` lines of components/*.js and checks both.
"""

from __future__ import annotations

import re
from pathlib import Path

from nicegui import dependencies, ui

import components.attachments
import components.composer
import components.message_list

COMPONENTS = Path(components.message_list.__file__).parent
IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s+"([^"./][^"]*)";', re.MULTILINE)
NICEGUI_NAMES = {'vue', 'sass', 'immutable', 'dompurify'}  # in NiceGUI's own import map


def _bare_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(COMPONENTS.glob('*.js')):
        for name in IMPORT.findall(path.read_text()):
            found.setdefault(name, set()).add(path.name)
    return found


def test_every_imported_module_is_a_registered_dependency_of_its_own_file() -> None:
    registered = {library.name: library.path for library in dependencies.libraries.values()}
    imports = _bare_imports()
    assert {'chat_format', 'emoji_picker', 'message_files', 'message_row', 'outbox'} <= set(imports)
    for name, importers in imports.items():
        if name in NICEGUI_NAMES:
            continue
        assert registered.get(name) == COMPONENTS / f'{name}.js', f'{sorted(importers)} import "{name}"'


def test_library_names_are_unique() -> None:
    paths_by_name: dict[str, set[Path]] = {}
    for library in dependencies.libraries.values():
        paths_by_name.setdefault(library.name, set()).add(library.path)
    assert {name: paths for name, paths in paths_by_name.items() if len(paths) > 1} == {}
    assert not NICEGUI_NAMES & set(paths_by_name)


def test_the_list_and_the_uploader_list_what_they_import() -> None:
    def names(element: type[ui.element]) -> set[str]:
        return {library.name for library in element.exposed_libraries}

    assert {'chat_format', 'emoji_picker', 'message_files', 'message_row', 'outbox'} <= names(
        components.message_list.MessageList
    )
    assert 'chat_format' in names(components.attachments.AttachmentUploader)
    assert 'outbox' in names(components.composer.Composer)
