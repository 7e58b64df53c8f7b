"""Process-wide settings, read once from CHAT_* environment variables (and main.py flags)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SMTP_SCHEMES = ('smtp', 'smtp+starttls', 'smtps')


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='CHAT_', extra='ignore')

    data_dir: Path = Path('./data')
    database_url: str | None = None
    redis_url: str | None = None
    host: str = '127.0.0.1'
    port: int = 8080
    storage_secret: str | None = None
    # PostgreSQL connection pool per node (docs/deployment.md). Actions run in asyncio's default worker threads
    # (at most min(32, CPUs + 4)), each holding one connection for its transaction, so size + overflow covers
    # them; `N nodes x (size + overflow)` must stay below the server's max_connections.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=25, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)  # wait for a free connection, then fail the action
    db_pool_recycle: float = Field(default=1800.0, gt=0)  # reconnect after this age (proxies, idle timeouts)
    # The address people and programs reach this server at (behind a proxy: the proxy's), for URLs the CLI
    # prints (incoming webhooks); the pages use the address the browser came in by.
    public_url: str | None = None
    # Secure flag of the session cookie: `auto` sets it when the request came over HTTPS (directly or as a
    # proxy's X-Forwarded-Proto says); `always` behind a TLS proxy that sends no such header.
    secure_cookies: Literal['auto', 'always', 'never'] = 'auto'
    # `/metrics` answers loopback clients; with this set, also anyone sending `Authorization: Bearer <token>`.
    metrics_token: str | None = None

    # Logging (hardening/log_setup.py): readable `text` lines by default, or one JSON object per line; the root level.
    log_format: Literal['text', 'json'] = 'text'
    log_level: Literal['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] = 'INFO'
    # This node's name in log lines and the live inspector; by default `host:port`.
    node_id: str | None = None

    # How long a closed tab's page stays alive for a reconnect (NiceGUI's reconnect_timeout).
    reconnect_timeout: float = 5.0
    # Presence: a user with no activity in any tab for this long becomes "away".
    away_after_seconds: float = 300.0
    # Limits enforced inside state/actions, not only in the UI.
    max_message_chars: int = Field(default=4000, ge=1)
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    # Per person: bytes uploaded but not yet sent with a message (state/files/quota.py).
    max_pending_upload_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    login_attempts_per_window: int = 5  # free failures per account and address, then growing delays
    login_attempts_per_ip_window: int = 30  # failed log-ins per client address (offices share one)
    login_window_seconds: float = 15 * 60
    # How often the app timer looks for scheduled messages that are due (state/actions/scheduled_delivery.py).
    scheduler_interval_seconds: float = Field(default=5.0, gt=0)
    # Argon2id cost; the defaults are the OWASP minimum (19 MiB, t=2, p=1). Tests may lower memory only.
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    # E-mail (docs/email.md): off unless both are set. `smtp://user:pass@host:25` sends in plain text (a local
    # relay), `smtp+starttls://…` (port 587 by default) upgrades with STARTTLS, `smtps://…` (465) is implicit TLS.
    smtp_url: str | None = None
    email_from: str | None = None
    # A mention, DM or followed thread reply still unread this long while the person is offline gets a digest;
    # fractions are allowed (tests run with a few seconds).
    email_delay_minutes: float = Field(default=10.0, ge=0)

    @field_validator('smtp_url')
    @classmethod
    def _known_smtp_scheme(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in SMTP_SCHEMES:
            raise ValueError(f'CHAT_SMTP_URL must start with one of {", ".join(s + "://" for s in SMTP_SCHEMES)}')
        return value or None

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_url and self.email_from)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f'sqlite:///{(self.data_dir / "chat.db").resolve()}'

    @property
    def resolved_public_url(self) -> str:
        host = 'localhost' if self.host in ('0.0.0.0', '::') else self.host
        return (self.public_url or f'http://{host}:{self.port}').rstrip('/')

    @field_validator('log_level', mode='before')
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def resolved_node_id(self) -> str:
        return self.node_id or f'{self.host}:{self.port}'

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / 'uploads'

    def resolved_storage_secret(self) -> str:
        """The explicit secret, or one generated once and kept in the data dir (mode 600)."""
        if self.storage_secret:
            return self.storage_secret
        path = self.data_dir / 'storage-secret'
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Tests change CHAT_* variables between cases; this makes the next get_settings() read them again."""
    get_settings.cache_clear()
