"""FastAPI application factory: routes, error handlers, trace ids, health and metrics.

``/docs`` (Swagger UI) and ``/redoc`` load their scripts and styles from the
fastapi-offline package, served by the app itself: they work without internet access.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import BaseRoute

from ijw_gateway import __version__, metrics
from ijw_gateway.api import errors
from ijw_gateway.api.deps import SECURITY_SCHEMES
from ijw_gateway.api.fastroute import FastRoutes
from ijw_gateway.api.middleware import TraceMiddleware
from ijw_gateway.api.monitoring import router as monitoring_router
from ijw_gateway.api.offload import Offload
from ijw_gateway.api.operations import router as operations_router
from ijw_gateway.api.routes import hot_routes, router
from ijw_gateway.api.stuf import router as stuf_router
from ijw_gateway.api.vecozo import facade
from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.config import Settings
from ijw_gateway.console.app import console_app
from ijw_gateway.errors import IjwGatewayError
from ijw_gateway.gateway import Gateway, open_gateway

log = logging.getLogger("ijw_gateway.api")


DOCS_ASSETS = "/docs/assets"
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _worker_lifespan(gateway: Gateway, with_worker: bool, metrics_dir: Path | None) -> Lifespan:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        metrics.serving()
        stop, thread = threading.Event(), None
        if with_worker:
            worker = gateway.worker()
            thread = threading.Thread(
                target=worker.run, args=(stop,), name="ijw-worker", daemon=True
            )
            thread.start()
        try:
            yield
        finally:
            stop.set()
            app.state.offload.shutdown()  # a large intake is not waited for: it is resent
            intake: ThreadPoolExecutor | None = getattr(app.state, "intake_executor", None)
            if intake is not None:  # started by the first POST; lets running intakes finish
                intake.shutdown(wait=True)
            if thread is not None:
                thread.join(timeout=gateway.settings.delivery_lease_seconds)
            metrics.stopped(metrics_dir)

    return lifespan


class _Outbox(Collector):
    """Gauges read from the database at scrape time: right whichever process answers."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def collect(self) -> Iterator[Metric]:
        store = self.gateway.store
        counts = store.outbox_counts()
        rows = GaugeMetricFamily(
            "ijw_outbox_messages", "Outbox rows per state (whole database).", labels=("state",)
        )
        for state in ("queued", "delivered", "dead", "acked"):
            rows.add_metric((state,), counts.get(state, 0))
        oldest = store.oldest_waiting()
        age = (store.clock() - oldest).total_seconds() if oldest else 0.0
        yield rows
        yield GaugeMetricFamily(
            "ijw_outbox_oldest_waiting_seconds", "Age of the oldest undelivered row.", value=age
        )
        overdue = GaugeMetricFamily(
            "ijw_overdue_answers",
            "Answers past their due day, per message type owed and owing party.",
            labels=("type", "party"),
        )
        for type_, party, count in store.overdue_counts():
            overdue.add_metric((type_, party), count)
        yield overdue


def _document_keys(app: FastAPI, routes: list[BaseRoute]) -> None:
    """OpenAPI: the ``routes`` (every route of the ``/v1`` router needs an API key) say so,
    with the two ways to send one."""
    keyed = [
        (route.path_format, method.lower())
        for route in routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    ]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)  # kept as app.openapi_schema, completed here once
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path, method in keyed:
            schema["paths"][path][method]["security"] = [{k: []} for k in SECURITY_SCHEMES]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    settings: Settings | None = None,
    gateway: Gateway | None = None,
    with_worker: bool | None = None,
) -> FastAPI:
    """The gateway app. Opens (and prepares) the database unless ``gateway`` is given;
    runs a delivery worker in a thread when ``with_worker`` (default: the setting)."""
    settings = settings or (gateway.settings if gateway else Settings.from_env())
    gateway = gateway or open_gateway(settings)
    worker = settings.worker_in_serve if with_worker is None else with_worker
    app = FastAPIOffline(
        title="ijw-gateway",
        version=__version__,
        description=f"Gateway for iJw {DEFAULT.name} youth-care messages",
        lifespan=_worker_lifespan(gateway, worker, settings.metrics_dir),
        static_url=DOCS_ASSETS,
        swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
    )
    app.state.gateway = gateway
    app.state.offload = Offload(settings)
    app.add_middleware(FastRoutes, routes=hot_routes())  # inside the trace middleware
    app.add_middleware(TraceMiddleware)
    errors.install(app)
    app.include_router(router)
    app.include_router(monitoring_router)
    app.include_router(operations_router)
    app.include_router(stuf_router)
    _document_keys(app, [*router.routes, *monitoring_router.routes, *stuf_router.routes])
    app.mount("/vecozo", facade(gateway, app.state))
    app.mount("/console", console_app(gateway))
    _operations(app, gateway, settings.metrics_dir)
    return app


def _operations(app: FastAPI, gateway: Gateway, metrics_dir: Path | None) -> None:
    """``/health`` and ``/metrics``: what operators and Prometheus ask."""

    @app.get("/health", summary="Liveness, and whether the database answers")
    def health() -> dict[str, str]:
        try:
            gateway.store.outbox_counts()
            database = "ok"
        except IjwGatewayError:
            database = "unavailable"
        return {"status": "ok", "version": __version__, "database": database}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The gateway's address in a browser leads to the console."""
        return RedirectResponse("/console/", status_code=307)

    outbox = _Outbox(gateway)

    @app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def prometheus() -> PlainTextResponse:
        text = metrics.exposition(outbox, metrics_dir)
        return PlainTextResponse(text, media_type=metrics.CONTENT_TYPE)
