"""The floor: a bare python-socketio server that broadcasts each posted message to its room.

No database, no UI framework: the cheapest way this stack can move a message to N sockets. Each broadcast
carries the same JSON shape as our message deltas, so payload sizes match.

    python -m bench.targets.floor_server --port 9001
"""

from __future__ import annotations

import argparse
import html
import itertools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import socketio
import uvicorn

sio = socketio.AsyncServer(async_mode='asgi', cors_allowed_origins='*')
app = socketio.ASGIApp(sio)
_ids = itertools.count(1)


@sio.event
async def connect(sid: str, environ: dict[str, Any], _auth: Any = None) -> None:
    query = parse_qs(environ.get('QUERY_STRING', ''))
    await sio.enter_room(sid, query.get('room', ['lobby'])[0])


@sio.on('send')
async def send(sid: str, data: dict[str, Any]) -> dict[str, int]:
    message_id = next(_ids)
    text = str(data.get('text', ''))
    message: dict[str, Any] = {
        'id': message_id,
        'channel_id': data.get('room'),
        'thread_root_id': None,
        'author_id': data.get('user'),
        'author_name': f'user {data.get("user")}',
        'html': f'<p>{html.escape(text)}</p>',
        'body': text,
        'created_at': datetime.now(UTC).isoformat(),
        'edited_at': None,
        'deleted': False,
        'reply_count': 0,
        'reactions': [],
        'attachments': [],
    }
    await sio.emit('deltas', [{'op': 'append', 'message': message}], room=str(data.get('room')))
    return {'id': message_id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ws-ping-interval', type=float, default=20.0, help="uvicorn's websocket ping (tests: short)")
    args = parser.parse_args()
    uvicorn.run(
        app, host='127.0.0.1', port=args.port, log_level='warning', ws='wsproto', ws_ping_interval=args.ws_ping_interval
    )


if __name__ == '__main__':
    main()
