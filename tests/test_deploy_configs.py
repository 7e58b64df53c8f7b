"""The production nginx site (deploy/nginx-tls.conf) and its snippets pass `nginx -t`, with a throwaway
certificate and the paths moved into a temporary directory; skipped where nginx or openssl is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / 'deploy'


def nginx_binary() -> str:
    found = shutil.which('nginx') or ('/usr/sbin/nginx' if Path('/usr/sbin/nginx').exists() else None)
    if found is None or shutil.which('openssl') is None:
        pytest.skip('nginx or openssl is not installed (apt-get install nginx openssl)')
    return found


def test_the_tls_site_is_valid_nginx(tmp_path: Path) -> None:
    nginx = nginx_binary()
    subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=chat.example.com',
         '-keyout', str(tmp_path / 'key.pem'), '-out', str(tmp_path / 'cert.pem')],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / 'nginx-tls.conf').read_text()
    for installed, here in {
        '/etc/nginx/snippets/teamchat-routing.conf': DEPLOY / 'nginx' / 'routing.conf',
        '/etc/nginx/snippets/teamchat-proxy.conf': DEPLOY / 'nginx' / 'proxy.conf',
        '/etc/letsencrypt/live/chat.example.com/fullchain.pem': tmp_path / 'cert.pem',
        '/etc/letsencrypt/live/chat.example.com/privkey.pem': tmp_path / 'key.pem',
        '/var/log/nginx/': f'{tmp_path}/',
    }.items():
        assert installed in site, installed
        site = site.replace(installed, str(here))
    (tmp_path / 'site.conf').write_text(site)
    (tmp_path / 'nginx.conf').write_text(
        f'pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n'
        '    log_format combined_no_query \'$remote_addr [$time_local] "$request_method $uri" $status\';\n'
        f'    include {tmp_path}/site.conf;\n}}\n'
    )
    done = subprocess.run(
        [nginx, '-t', '-c', str(tmp_path / 'nginx.conf'), '-p', str(tmp_path), '-e', str(tmp_path / 'error.log')],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert 'Strict-Transport-Security' in site and 'hash $chat_route consistent' in site
