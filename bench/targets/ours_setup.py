"""Prepares our server's data for a load run, through the app's own actions (run in a subprocess).

    CHAT_DATA_DIR=... python -m bench.targets.ours_setup --tabs 500 --room-size 20 --history 50 --out setup.json
    (CHAT_DATABASE_URL=postgresql+psycopg://... for a cluster's database; --email-prefix when it is reused)

One user per tab in one workspace; room r is channel `room-r` with its users as members; every user is in
#general, which is the big room. Each small room gets `history` messages so a page opens with a full list.
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

from db.models import WorkspaceRole
from db.workspace_queries import general_channel
from server import init_database
from settings import get_settings
from state.actions.accounts import sign_up
from state.actions.channels import create_channel, join_channel
from state.actions.messages import send_message
from state.actions.workspaces import add_member, create_workspace

PASSWORD = 'bench-password-1'


def prepare(tabs: int, room_size: int, history: int, email_prefix: str = 'u') -> dict[str, object]:
    init_database(get_settings())
    user_ids: list[int] = []
    for i in range(tabs):
        user = sign_up(f'{email_prefix}{i}@bench.example', f'Bench User {i}', PASSWORD)
        assert user.id is not None
        user_ids.append(user.id)
    workspace = create_workspace(user_ids[0], 'Bench')
    assert workspace.id is not None
    for user_id in user_ids[1:]:
        add_member(workspace.id, user_id, WorkspaceRole.MEMBER)
    rooms: dict[str, int] = {}
    for room, start in enumerate(range(0, tabs, room_size)):
        members = user_ids[start : start + room_size]
        channel = create_channel(members[0], workspace.id, f'room-{room}')
        for user_id in members[1:]:
            join_channel(user_id, channel.id)
        for n in range(history):
            send_message(
                members[n % len(members)], channel.id, f'earlier message {n} in room {room}', str(uuid.uuid4())
            )
        rooms[str(room)] = channel.id
    general = general_channel(workspace.id)
    assert general is not None and general.id is not None
    return {
        'slug': workspace.slug,
        'rooms': rooms,
        'big': general.id,
        'users': [f'{email_prefix}{i}@bench.example' for i in range(tabs)],
        'password': PASSWORD,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--tabs', type=int, required=True)
    parser.add_argument('--room-size', type=int, required=True)
    parser.add_argument('--history', type=int, default=50)
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--email-prefix', default='u', help='users are PREFIX<i>@bench.example (a reused database)')
    args = parser.parse_args()
    args.out.write_text(json.dumps(prepare(args.tabs, args.room_size, args.history, args.email_prefix)))


if __name__ == '__main__':
    main()
