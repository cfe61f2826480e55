"""Validate: paste or upload, see each finding beside its line (anyone who reaches it)."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from ijw_gateway.console.judging import Judge, Judged, items_of
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import (
    MAX_FORM,
    checked_form,
    console_of,
    lang_of,
    render,
    text_field,
)
from ijw_gateway.errors import PayloadTooLarge
from ijw_gateway.unzip import Item

router = APIRouter()
MAX_FILES = 30  # as a zip the API takes


@router.get("/validate", response_class=HTMLResponse)
async def validate_page(request: Request) -> Response:
    return await render(request, "validate.html", judged=None, contracts=True)


@router.post("/validate", response_class=HTMLResponse)
async def validate(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    items = await _items(form)
    if not items:
        problem = words(lang_of(request))("nothing_given")
        return await render(
            request, "validate.html", 422, judged=None, problem=problem, contracts=True
        )
    judge = _judge(request)
    sequence = text_field(form, "sequence") == "on"
    contracts = text_field(form, "contracts") == "on"
    lang = lang_of(request)
    judged: list[Judged] = await to_thread.run_sync(
        lambda: list(judge.judge(items, lang, sequence, contracts))
    )
    return await render(
        request, "validate.html", judged=judged, sequence=sequence, contracts=contracts
    )


def _judge(request: Request) -> Judge:
    """The console's judge, made at its first use (it compiles the schemas)."""
    state = request.app.state
    if getattr(state, "judge", None) is None:
        state.judge = Judge(console_of(request).gateway)
    judge: Judge = state.judge
    return judge


async def _items(form: FormData) -> list[Item]:
    """The pasted message and the uploaded files, at most ``MAX_FORM`` bytes in all."""
    items, total = [], 0
    pasted = text_field(form, "xml")
    if pasted:
        items.append(Item("pasted.xml", pasted.encode("utf-8")))
        total += len(items[0].data or b"")
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if len(uploads) > MAX_FILES:
        raise PayloadTooLarge(f"At most {MAX_FILES} files at once.")
    for upload in uploads:
        data = await upload.read(MAX_FORM - total + 1)
        total += len(data)
        if total > MAX_FORM:
            raise PayloadTooLarge(f"The files are larger than {MAX_FORM // 2**20} MB together.")
        items.extend(items_of(upload.filename or "upload", data))
    return items
