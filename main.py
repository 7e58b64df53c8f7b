"""Entry point and CLI: serve (default), migrate, create-user, create-token, create-app, create-webhook,
create-command, grant-server-admin, set-member, seed-demo, import-slack, export, backup, restore."""

from __future__ import annotations

import argparse
import os
import sys

from settings import get_settings, reset_settings_cache


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='main.py', description='Teamchat server')
    parser.add_argument('--data-dir', help='database, uploads and generated secret (CHAT_DATA_DIR)')
    parser.add_argument('--database-url', help='sqlite:///... or postgresql+psycopg://... (CHAT_DATABASE_URL)')
    parser.add_argument('--redis-url', help='Redis for several nodes (CHAT_REDIS_URL)')
    parser.add_argument('--host', help='listen address (CHAT_HOST)')
    parser.add_argument('--port', type=int, help='listen port (CHAT_PORT)')
    commands = parser.add_subparsers(dest='command')
    commands.add_parser('serve', help='run the server (default)')
    commands.add_parser('migrate', help='upgrade the database schema to the newest migration')
    user = commands.add_parser('create-user', help='create an account (and join or create a workspace)')
    user.add_argument('--email', required=True)
    user.add_argument('--name', required=True)
    user.add_argument('--password', required=True)
    user.add_argument('--workspace', help='workspace name; created with #general when it does not exist')
    user.add_argument('--admin', action='store_true', help='make the user an admin of the workspace')
    user.add_argument('--server-admin', action='store_true', help='let the user open the live inspector (/admin/live)')
    user.add_argument('--guest-in', metavar='CHANNELS', help='join the workspace as a guest of these channels (a,b)')
    token = commands.add_parser('create-token', help='print a new API token for a user in a workspace')
    token.add_argument('--email', required=True)
    token.add_argument('--workspace', required=True)
    token.add_argument('--bot', metavar='NAME', help='create a bot user with this name and a token for it')
    app = commands.add_parser('create-app', help='create an app (a bot with events) and print its secrets')
    app.add_argument('--workspace', required=True)
    app.add_argument('--name', required=True, help="the app's and its bot's name")
    app.add_argument('--events-url', default='', help='where the Events API posts (with url_verification)')
    app.add_argument('--socket-mode', action='store_true', help='deliver events over Socket Mode (prints app_token)')
    app.add_argument('--events', help='subscribed events, comma separated (default: app_mention,message)')
    hook = commands.add_parser('create-webhook', help="print a new incoming webhook's URL for a channel")
    hook.add_argument('--workspace', required=True)
    hook.add_argument('--channel', required=True, help='channel name, with or without #')
    hook.add_argument('--name', required=True, help='the name its posts show')
    slash = commands.add_parser('create-command', help='register a custom slash command and print its signing secret')
    slash.add_argument('--workspace', required=True)
    slash.add_argument('--command', required=True, dest='slash_command', help='/name, with or without the slash')
    slash.add_argument('--url', required=True, help='where the signed request goes (http or https)')
    slash.add_argument('--description', default='', help='what it does, shown to admins')
    grant = commands.add_parser('grant-server-admin', help='make an account a server admin (the live inspector)')
    grant.add_argument('--email', required=True)
    grant.add_argument('--revoke', action='store_true', help='take the role away instead')
    member = commands.add_parser('set-member', help="change a workspace member's role, or (de)activate them")
    member.add_argument('--workspace', required=True)
    member.add_argument('--email', required=True)
    member.add_argument('--role', choices=['owner', 'admin', 'member', 'guest'])
    switch = member.add_mutually_exclusive_group()
    switch.add_argument('--deactivate', action='store_true', help='end their sessions and tokens; they cannot log in')
    switch.add_argument('--reactivate', action='store_true')
    commands.add_parser('seed-demo', help='fill a demo workspace with users, channels and history')
    slack_in = commands.add_parser('import-slack', help='import a Slack workspace export (its zip) into a workspace')
    slack_in.add_argument('archive', metavar='EXPORT.zip')
    slack_in.add_argument('--workspace', required=True, help='name or slug of an existing workspace')
    slack_out = commands.add_parser('export', help='write a workspace as a Slack export zip (plus our extras)')
    slack_out.add_argument('--workspace', required=True)
    slack_out.add_argument('--out', required=True, metavar='FILE.zip')
    backup = commands.add_parser('backup', help='write a consistent backup (database and data dir) while serving')
    backup.add_argument('--out', required=True, metavar='FILE', help='the archive to write (.tar, or .tar.gz)')
    restore = commands.add_parser('restore', help='restore a backup into an empty data dir (and database)')
    restore.add_argument('archive', metavar='FILE', help='an archive written by `backup`')
    return parser


def _apply_flags(args: argparse.Namespace) -> None:
    """Flags win over CHAT_* variables: write them into the environment the settings read."""
    for flag, variable in (
        ('data_dir', 'CHAT_DATA_DIR'),
        ('database_url', 'CHAT_DATABASE_URL'),
        ('redis_url', 'CHAT_REDIS_URL'),
        ('host', 'CHAT_HOST'),
        ('port', 'CHAT_PORT'),
    ):
        value = getattr(args, flag)
        if value is not None:
            os.environ[variable] = str(value)
    reset_settings_cache()


def cli(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    _apply_flags(args)
    settings = get_settings()
    # NiceGUI keeps user storage (which holds session tokens) on disk: keep it in the data dir, not the cwd.
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.data_dir / 'nicegui'))
    command = args.command or 'serve'
    if command == 'serve':
        import server

        server.serve(settings)
        return 0

    import commands

    # Neither opens the app's engine: a backup copies the database as it is, a restore needs it not to exist.
    if command == 'backup':
        return commands.backup(args.out)
    if command == 'restore':
        return commands.restore(args.archive)

    from server import init_database

    init_database(settings)
    if command == 'migrate':
        print('database is at the newest schema')
        return 0
    if command == 'create-user':
        return commands.create_user(
            args.email,
            args.name,
            args.password,
            args.workspace,
            admin=args.admin,
            server_admin=args.server_admin,
            guest_in=args.guest_in,
        )
    if command == 'grant-server-admin':
        return commands.grant_server_admin(args.email, revoke=args.revoke)
    if command == 'create-token':
        return commands.create_token(args.email, args.workspace, bot_name=args.bot)
    if command == 'create-app':
        return commands.create_app(
            args.workspace, args.name, args.events_url, socket_mode=args.socket_mode, events=args.events
        )
    if command == 'create-webhook':
        return commands.create_webhook(args.workspace, args.channel, args.name)
    if command == 'create-command':
        return commands.create_command(args.workspace, args.slash_command, args.url, args.description)
    if command == 'set-member':
        active = True if args.reactivate else False if args.deactivate else None
        return commands.set_member(args.workspace, args.email, role=args.role, active=active)
    if command == 'seed-demo':
        return commands.seed_demo()
    if command == 'import-slack':
        return commands.import_slack(args.archive, args.workspace)
    if command == 'export':
        return commands.export_slack(args.workspace, args.out)
    raise AssertionError(command)


if __name__ in {'__main__', '__mp_main__'}:
    if os.environ.get('NICEGUI_USER_SIMULATION'):
        # NiceGUI's simulated `user` fixture runs this file per test; pytest's argv is not ours to parse.
        import server

        server.serve(get_settings())
    else:
        sys.exit(cli(sys.argv[1:]))
