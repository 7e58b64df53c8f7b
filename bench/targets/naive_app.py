"""The naive NiceGUI pattern, as the framework's chat example teaches it: one page per tab, and every new
message becomes a `ui.chat_message` element appended in every viewing tab (an Event per room fans it out).

    python -m bench.targets.naive_app --port 9002 --rooms 25 --history 50
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import datetime

from nicegui import Event, app, ui

history: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
room_events: dict[str, Event[str, str, str]] = defaultdict(Event)


@app.get('/healthz')
async def healthz() -> dict[str, str]:
    return {'status': 'ok'}


@ui.page('/room/{room}')
def room_page(room: str, user: str = 'anon') -> None:
    messages = ui.column()
    with messages:
        for author, text, stamp in history[room][-50:]:
            ui.chat_message(text, name=author, stamp=stamp)

    def show(author: str, text: str, stamp: str) -> None:
        with messages:
            ui.chat_message(text, name=author, stamp=stamp)

    room_events[room].subscribe(show)

    def send(text: str) -> None:
        stamp = datetime.now().strftime('%X')
        history[room].append((user, text, stamp))
        room_events[room].emit(user, text, stamp)

    composer = ui.input(placeholder='message').props('data-testid=composer')
    composer.on('send', lambda e: send(str(e.args)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--rooms', type=int, default=0, help='rooms to prefill with history')
    parser.add_argument('--history', type=int, default=50, help='messages per prefilled room')
    args = parser.parse_args()
    for room in range(args.rooms):
        history[str(room)] = [
            (f'user{n}', f'earlier message {n} in room {room}', '09:00:00') for n in range(args.history)
        ]
    ui.run(
        host='127.0.0.1',
        port=args.port,
        reload=False,
        show=False,
        reconnect_timeout=5.0,
        binding_refresh_interval=None,
        uvicorn_logging_level='warning',
    )


if __name__ in {'__main__', '__mp_main__'}:
    main()
