"""Helpers for the attachment tests: a small world of users and channels, and sample files of each kind."""

from __future__ import annotations

import gzip
import io
import itertools
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image, PngImagePlugin

from db.engine import session_scope
from db.models import Channel, ChannelKind, ChannelMember, Message, User, Workspace, WorkspaceMember, WorkspaceRole

_serial = itertools.count(1)


@dataclass(frozen=True)
class World:
    owner: int  # workspace owner, member of every channel
    member: int  # member of the workspace and of #general
    outsider: int  # member of the workspace, but not of the private channel
    stranger: int  # not in the workspace at all
    workspace: int
    general: int  # public channel: owner and member
    private: int  # private channel: owner only
    archived: int  # archived public channel: owner and member


def make_world() -> World:
    with session_scope() as session:
        users = []
        for name in ('Owner', 'Member', 'Outsider', 'Stranger'):
            user = User(email=f'{name.lower()}{next(_serial)}@example.com', display_name=name, password_hash='x')
            session.add(user)
            users.append(user)
        session.flush()
        owner, member, outsider, stranger = (_id(user.id) for user in users)
        workspace = Workspace(name='Acme', slug=f'acme-{next(_serial)}', created_by=owner)
        session.add(workspace)
        session.flush()
        workspace_id = _id(workspace.id)
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=owner, role=WorkspaceRole.OWNER))
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=member))
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=outsider))
        channels = {}
        for name, kind, archived, people in (
            ('general', ChannelKind.PUBLIC, False, (owner, member)),
            ('secret', ChannelKind.PRIVATE, False, (owner,)),
            ('old', ChannelKind.PUBLIC, True, (owner, member)),
        ):
            channel = Channel(workspace_id=workspace_id, name=name, kind=kind, archived=archived, created_by=owner)
            session.add(channel)
            session.flush()
            channels[name] = _id(channel.id)
            for user_id in people:
                session.add(ChannelMember(channel_id=channels[name], user_id=user_id))
    return World(owner, member, outsider, stranger, workspace_id, channels['general'], channels['secret'],
                 channels['old'])  # fmt: skip


def make_message(channel_id: int, author_id: int, body: str = 'see attached') -> int:
    with session_scope() as session:
        message = Message(channel_id=channel_id, author_id=author_id, body=body, html=body)
        session.add(message)
        session.flush()
        return _id(message.id)


def _id(value: int | None) -> int:
    assert value is not None
    return value


# ---- sample files ---------------------------------------------------------------------------------------

ELF = b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 56 + b'\x02\x00\x3e\x00' + b'\x00' * 200
PE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00' + b'\x00' * 44 + b'\x80\x00\x00\x00' + b'PE\x00\x00'
MACH_O = b'\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00' + b'\x00' * 100
SHELL_SCRIPT = b'#!/bin/sh\nrm -rf "$HOME"\n'
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
HTML = b'<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
MP4 = b'\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom' + b'\x00' * 64


def exif_block(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = 'SpyCam Inc'  # Make
    exif[0x0131] = 'SecretSoftware'  # Software
    return exif.tobytes()


def image_bytes(
    fmt: str = 'PNG', size: tuple[int, int] = (40, 20), color: object = 'red', *, orientation: int | None = None
) -> bytes:
    """An image with EXIF (when `orientation` is given) and, for PNG, a text chunk that must not survive."""
    image = Image.new('RGB', size, color)  # type: ignore[arg-type]
    if size[0] >= 2:
        image.putpixel((0, 0), (0, 0, 255))  # a blue top-left pixel shows where the rotation put it
    options: dict[str, object] = {}
    if orientation is not None:
        options['exif'] = exif_block(orientation)
    if fmt == 'PNG':
        info = PngImagePlugin.PngInfo()
        info.add_text('Author', 'SecretAuthor')
        options['pnginfo'] = info
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge size: decoding it would need width*height pixels."""
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    chunk = b'IHDR' + header
    ihdr = struct.pack('>I', len(header)) + chunk + struct.pack('>I', zlib.crc32(chunk))
    data = zlib.compress(b'\x00' * 1024)
    idat = struct.pack('>I', len(data)) + b'IDAT' + data + struct.pack('>I', zlib.crc32(b'IDAT' + data))
    iend = struct.pack('>I', 0) + b'IEND' + struct.pack('>I', zlib.crc32(b'IEND'))
    return b'\x89PNG\r\n\x1a\n' + ihdr + idat + iend


def gif_with_frame(canvas: tuple[int, int], frame: tuple[int, int]) -> bytes:
    """A GIF whose only frame is `frame` big on a `canvas`; decoders grow the canvas to fit the frame."""
    out = b'GIF89a' + struct.pack('<HHBBB', canvas[0], canvas[1], 0, 0, 0)
    out += b'\x2c' + struct.pack('<HHHHB', 0, 0, frame[0], frame[1], 0x80) + b'\x00\x00\x00\xff\xff\xff'
    out += b'\x02\x02\x44\x01\x00'  # LZW minimum code size 2, one data sub-block, terminator
    return out + b'\x3b'


def animated_gif(comment: bytes = b'SecretComment') -> bytes:
    frames = [Image.new('RGB', (30, 20), color) for color in ('red', 'green', 'blue')]
    buffer = io.BytesIO()
    frames[0].save(buffer, 'GIF', save_all=True, append_images=frames[1:], duration=80, loop=0, comment=comment)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({'[Content_Types].xml': b'<Types/>', 'word/document.xml': b'<w:document/>'})


def xlsx_bytes() -> bytes:
    return zip_bytes({'[Content_Types].xml': b'<Types/>', 'xl/workbook.xml': b'<workbook/>'})


def pptx_bytes() -> bytes:
    return zip_bytes({'[Content_Types].xml': b'<Types/>', 'ppt/presentation.xml': b'<p/>'})


def odt_bytes() -> bytes:
    return zip_bytes({'mimetype': b'application/vnd.oasis.opendocument.text', 'content.xml': b'<office/>'})


def jar_bytes() -> bytes:
    return zip_bytes({'META-INF/MANIFEST.MF': b'Main-Class: Evil\n', 'Evil.class': b'\xca\xfe\xba\xbe'})


def gzip_bytes() -> bytes:
    return gzip.compress(b'hello world\n' * 10)


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w') as archive:
        data = b'hello\n'
        info = tarfile.TarInfo('hello.txt')
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
