"""Monitoring and no-extra-data: the figures as charts, their numbers and CSV.

The figures are the API's reports (``api.monitoring.report_table``) read with the
signed-in user's ``Viewer``: a party sees its own, an operator the region's. The
no-extra-data refusals are the store's (``store.refusals``), as ``ijw-gateway report
no-extra-data`` reads them, narrowed to the refusals the user is a side of.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ijw_gateway.api.monitoring import report_table
from ijw_gateway.console import figures
from ijw_gateway.console.charts import Chart, svg
from ijw_gateway.console.session import Session
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import console_of, lang_of, refused, render, signed_in
from ijw_gateway.contracts.refusals import Refusal, SummaryRow, summarise
from ijw_gateway.errors import NotFound
from ijw_gateway.gateway import Gateway
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.store.refusals import StoreRefusalLog

router = APIRouter()
User = Annotated[Session, Depends(signed_in)]


def _day(request: Request, name: str) -> date | None:
    given = request.query_params.get(name) or ""
    if not given:
        return None
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise refused(f"'{name}' is not a date (YYYY-MM-DD).") from None


def _charts(
    gateway: Gateway, viewer: Viewer, span: tuple[date | None, date | None], lang: str
) -> list[Chart]:
    tables = {}
    for name in sorted(set(figures.REPORT_OF.values())):
        tables[name] = report_table(gateway, viewer, name, *span, None, None, None, None, None)[0]
    t = words(lang)
    return [figures.DRAW[k](tables[figures.REPORT_OF[k]], t) for k in figures.CHARTS]


@router.get("/monitoring", response_class=HTMLResponse)
async def monitoring(request: Request, user: User) -> Response:
    span = (_day(request, "from"), _day(request, "to"))
    gateway, lang, viewer = console_of(request).gateway, lang_of(request), user
    charts = await to_thread.run_sync(_charts, gateway, viewer, span, lang)
    deadlines = await to_thread.run_sync(
        lambda: report_table(gateway, viewer, "deadlines", *span, None, None, None, None, None)[0]
    )
    query = request.url.query
    return await render(
        request,
        "monitoring.html",
        charts=[(c, svg(c)) for c in charts],
        deadlines=deadlines,
        query=f"?{query}" if query else "",
        span=span,
    )


@router.get("/monitoring/{key}.csv")
async def monitoring_csv(request: Request, key: str, user: User) -> Response:
    if key not in figures.CHARTS:
        raise NotFound(f"There is no chart {key}.")
    span = (_day(request, "from"), _day(request, "to"))
    gateway, lang, viewer = console_of(request).gateway, lang_of(request), user
    charts = await to_thread.run_sync(_charts, gateway, viewer, span, lang)
    chart = next(c for c in charts if c.key == key)
    return _csv(chart.to_csv(figures.FIRST_COLUMN[key]), f"{key}.csv")


def _csv(text: str, name: str) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv", headers=disposition)


def _refusals(
    gateway: Gateway, viewer: Viewer, span: tuple[date | None, date | None]
) -> list[SummaryRow]:
    found = StoreRefusalLog(gateway.store.session).refusals(*span)
    return summarise(r for r in found if _sees(viewer, r))


def _sees(viewer: Viewer, refusal: Refusal) -> bool:
    return viewer.sees(refusal.municipality or "", refusal.provider or "")


def _refusal_chart(rows: list[SummaryRow], lang: str) -> Chart:
    months = tuple(sorted({r.period for r in rows}))
    totals = {m: 0.0 for m in months}
    for row in rows:
        totals[row.period] += row.total
    t = words(lang)
    return Chart("refusals", t("refusals"), months, ((t("total"), tuple(totals.values())),))


@router.get("/refusals", response_class=HTMLResponse)
async def refusals(request: Request, user: User) -> Response:
    span = (_day(request, "from"), _day(request, "to"))
    gateway, viewer = console_of(request).gateway, user
    rows = await to_thread.run_sync(_refusals, gateway, viewer, span)
    chart = _refusal_chart(rows, lang_of(request))
    query = request.url.query
    return await render(
        request,
        "refusals.html",
        rows=rows,
        chart=chart,
        picture=svg(chart),
        query=f"?{query}" if query else "",
        span=span,
    )


@router.get("/refusals.csv")
async def refusals_csv(request: Request, user: User) -> Response:
    span = (_day(request, "from"), _day(request, "to"))
    gateway, viewer = console_of(request).gateway, user
    rows = await to_thread.run_sync(_refusals, gateway, viewer, span)
    lines = ["municipality,month,messages,contract_terms,total"]
    lines += [
        f"{r.municipality},{r.period},{r.messages},{r.contract_terms},{r.total}" for r in rows
    ]
    return _csv("\n".join(lines) + "\n", "no-extra-data.csv")
