"""Run slack_sdk's own integration tests (its `integration_tests/web` and `/webhook`) against a live server.

    .venv/bin/python -m scripts.slack_sdk_suite.run --sdk-repo PATH [--pytest-args ...]

PATH is a checkout of https://github.com/slackapi/python-slack-sdk (the tests are not in the PyPI package, and
we do not copy them into this repository). The runner starts our server on a free port with a throwaway data
directory, makes the workspace, people, bot token, channel and incoming webhook those tests expect, hands them
over in the `SLACK_SDK_TEST_*` variables, and points every Web API client at our server with a small pytest
plugin. Tests for features we do not have (Enterprise Grid admin methods, calls, canvases, lists, Slack Connect,
app manifests, RTM) are not selected: `SELECTED` below names the files that test what we support.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from api.slack.ids import user_sid
from e2e.conftest import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SELECTED = (
    'integration_tests/web/test_web_client.py',
    'integration_tests/web/test_async_web_client.py',
    'integration_tests/web/test_files_upload_v2.py',
    'integration_tests/web/test_bookmarks.py',
    'integration_tests/web/test_team.py',
    'integration_tests/web/test_issue_560.py',
    'integration_tests/web/test_issue_594.py',
    'integration_tests/web/test_issue_654.py',
    'integration_tests/web/test_issue_670.py',
    'integration_tests/web/test_issue_672.py',
    'integration_tests/web/test_issue_677.py',
    'integration_tests/web/test_issue_714.py',
    'integration_tests/web/test_issue_728.py',
    'integration_tests/web/test_issue_770.py',
    'integration_tests/web/test_issue_809.py',
    'integration_tests/web/test_issue_1053.py',
    'integration_tests/web/test_issue_1143.py',
    'integration_tests/web/test_issue_378.py',
    'integration_tests/web/test_issue_480.py',
    'integration_tests/web/test_message_metadata.py',
    'integration_tests/webhook/test_webhook.py',
    'integration_tests/webhook/test_async_webhook.py',
)
CHANNEL = 'sdk-tests'
PASSWORD = 'sdk-suite-pass-1'


def _api(base_url: str, method: str, token: str, **args: str) -> dict[str, object]:
    request = urllib.request.Request(
        f'{base_url}/api/{method}',
        data=json.dumps(args).encode(),
        headers={'Authorization': f'Bearer {token}', 'Content-Type': 'application/json; charset=utf-8'},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, object] = json.load(response)
    if not answer.get('ok'):
        raise RuntimeError(f'{method} failed: {answer}')
    return answer


def _world(server: ServerProcess) -> dict[str, str]:
    """The workspace the tests run in, and the SLACK_SDK_TEST_* variables that name it."""
    ids = {}
    for email, name in (('owner@sdk.test', 'Owner'), ('peer@sdk.test', 'Peer')):
        printed = server.run(
            'create-user', '--email', email, '--name', name, '--password', PASSWORD, '--workspace', 'SDK'
        )
        ids[email] = int(re.search(r'\(id (\d+)\)', printed).group(1))  # type: ignore[union-attr]
    user_token = server.run('create-token', '--email', 'owner@sdk.test', '--workspace', 'SDK').split()[-1]
    bot_token = server.run(
        'create-token', '--email', 'owner@sdk.test', '--workspace', 'SDK', '--bot', 'SDK Bot'
    ).split()[-1]
    created = _api(server.url, 'conversations.create', user_token, name=CHANNEL)
    channel_id = str(created['channel']['id'])  # type: ignore[index]
    _api(server.url, 'conversations.join', bot_token, channel=channel_id)
    hook = server.run('create-webhook', '--workspace', 'SDK', '--channel', CHANNEL, '--name', 'SDK hook').split()[-1]
    return {
        'SLACK_SDK_TEST_BOT_TOKEN': bot_token,
        'SLACK_SDK_TEST_USER_TOKEN': user_token,
        'SLACK_SDK_TEST_WEB_TEST_CHANNEL_ID': channel_id,
        'SLACK_SDK_TEST_WEB_TEST_USER_ID': user_sid(ids['peer@sdk.test']),
        'SLACK_SDK_TEST_INCOMING_WEBHOOK_URL': hook,
        'SLACK_SDK_TEST_INCOMING_WEBHOOK_CHANNEL_NAME': f'#{CHANNEL}',
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='slack_sdk_suite')
    parser.add_argument('--sdk-repo', required=True, type=Path, help='a checkout of slackapi/python-slack-sdk')
    parser.add_argument('--pytest-args', nargs=argparse.REMAINDER, default=[], help='passed on to pytest')
    args = parser.parse_args(argv)
    missing = [name for name in SELECTED if not (args.sdk_repo / name).exists()]
    if missing:
        print(f'not a python-slack-sdk checkout (missing {missing[0]})', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix='sdk-suite-') as scratch:
        server = ServerProcess(Path(scratch) / 'data')
        server.start()
        try:
            env = {**os.environ, **_world(server)}
            env['SLACK_SDK_SUITE_BASE_URL'] = f'{server.url}/api/'
            env['PYTHONPATH'] = os.pathsep.join([str(args.sdk_repo), str(ROOT / 'scripts' / 'slack_sdk_suite')])
            command = [
                sys.executable,
                '-m',
                'pytest',
                '-p',
                'point_at_server',
                '-q',
                '-rf',
                *SELECTED,
                *args.pytest_args,
            ]
            return subprocess.run(command, cwd=args.sdk_repo, env=env, check=False).returncode
        finally:
            server.stop()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
