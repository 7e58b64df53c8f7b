"""File names are display text only: no path parts, no control or bidi characters, bounded length."""

from __future__ import annotations

import pytest

from state.files.names import MAX_NAME_CHARS, has_executable_extension, sanitize_filename


@pytest.mark.parametrize(
    ('raw', 'expected'),
    [
        ('../../etc/passwd', 'passwd'),
        ('..\\..\\windows\\system32\\cmd.txt', 'cmd.txt'),
        ('C:\\Users\\ada\\report.pdf', 'report.pdf'),
        ('C:report.pdf', 'report.pdf'),  # drive-relative Windows path
        ('/absolute/path/photo.png', 'photo.png'),
        ('..', 'file'),
        ('.', 'file'),
        ('', 'file'),
        ('   ', 'file'),
        ('a\x00b\x1fc\x7f.txt', 'abc.txt'),
        ('line\nbreak.txt', 'line break.txt'),
        ('invoice\u202egnp.exe', 'invoicegnp.exe'),  # right-to-left override would show "invoiceexe.png"
        ('zero\u200bwidth.txt', 'zerowidth.txt'),
        ('a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'),
        ('report.pdf. . ', 'report.pdf'),
        ('.hidden', 'hidden'),
        ('CON', '_CON'),
        ('nul.txt', '_nul.txt'),
        ('many    spaces\there.txt', 'many spaces here.txt'),
        ('Grüße 日本.txt', 'Grüße 日本.txt'),
    ],
)
def test_sanitize_filename(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_long_names_are_cut_and_keep_their_extension() -> None:
    name = sanitize_filename('x' * 500 + '.pdf')
    assert len(name) == MAX_NAME_CHARS
    assert name.endswith('.pdf')
    assert len(sanitize_filename('y' * 1000)) == MAX_NAME_CHARS


@pytest.mark.parametrize('name', ['setup.exe', 'RUN.BAT', 'script.js', 'x.tar.sh', 'app.msi', 'photo.png.scr'])
def test_executable_extensions(name: str) -> None:
    assert has_executable_extension(name)


@pytest.mark.parametrize('name', ['photo.png', 'notes.txt', 'exe', 'archive.tar.gz', 'report.exe.pdf'])
def test_harmless_extensions(name: str) -> None:
    assert not has_executable_extension(name)
