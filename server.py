"""Wires the application together: database, stores, pages, API routes and the NiceGUI server."""

from __future__ import annotations

import logging

from nicegui import app, ui

import hardening
from db.engine import init_engine
from db.migrate import upgrade_to_head
from settings import Settings, get_settings

log = logging.getLogger(__name__)


def init_database(settings: Settings) -> None:
    """Open the engine and bring the schema to the newest migration."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = init_engine(settings.resolved_database_url)
    upgrade_to_head(engine)


def _register_routes() -> None:
    # Imported here so that importing server.py has no side effects on NiceGUI's router.
    import api
    import pages
    from components import handler_signatures

    handler_signatures.install()

    @app.get('/healthz')
    async def healthz() -> dict[str, str]:  # a plain route: creates no UI client; liveness (/readyz: api/ops.py)
        return {'status': 'ok'}

    pages.register()
    api.register()


async def _on_startup() -> None:
    import state.metrics_sources
    import state.runtime

    state.metrics_sources.install()
    settings = get_settings()
    init_database(settings)
    await state.runtime.start(settings)
    _start_events_worker()


def _start_events_worker() -> None:
    """The Events API's delivery worker (one per node), delivering over HTTP and this node's Socket Mode hub."""
    from api.slack.events_api.worker import worker
    from api.slack.socket_mode.hub import socket_hub

    worker.use_socket_hub(socket_hub)
    worker.start()


async def _on_shutdown() -> None:
    import state.runtime
    from api.slack.events_api.worker import worker

    await worker.stop()
    await state.runtime.stop()


def serve(settings: Settings) -> None:
    """Configure and start NiceGUI (under NiceGUI's user simulation, ui.run only prepares the app)."""
    from api.http_metrics import RequestMetricsMiddleware
    from hardening.access_log import AccessLogMiddleware
    from hardening.log_setup import configure

    configure(settings.log_format, settings.log_level, settings.resolved_node_id)
    _register_routes()
    hardening.install(settings)
    app.add_middleware(AccessLogMiddleware)  # after the defences, so outside them: it sees their answers too
    app.add_middleware(RequestMetricsMiddleware)  # added last, so outermost: it sees every answer, 500s too
    app.on_startup(_on_startup)
    app.on_shutdown(_on_shutdown)
    ui.run(
        host=settings.host,
        port=settings.port,
        title='Teamchat',
        storage_secret=settings.resolved_storage_secret(),
        reconnect_timeout=settings.reconnect_timeout,
        reload=False,
        show=False,
        favicon='💬',
        binding_refresh_interval=None,  # everything binds to push-based BindableProperties; no polling loop
        log_config=None,  # keep the logging configured above; uvicorn would replace it with its own
        access_log=False,  # ours (hardening/access_log.py) redacts secrets and carries the request id
    )
