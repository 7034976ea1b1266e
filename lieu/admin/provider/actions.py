"""A provider acting on one of its authorizations from the inbox: answer a referral, send the
information a reviewer asked for, report service, ask for a reauthorization, attach a document,
add a note. Each sends the command GraphQL's
mutation sends, through the same service functions, audited the same way (a `sent` line
before the command, then its outcome); a refusal shows next to its form, with what was typed."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.access import PROVIDER_PAGES, refused
from lieu.admin.actions import Sent, origin_of
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.pages import page
from lieu.admin.provider.shown import asked_documents, authorization_page, signed_in
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.authorizations.lifecycle.texts import unknown_requirement
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.base import utcnow
from lieu.platform.documents import records
from lieu.platform.documents.kinds import DocumentRefused
from lieu.platform.documents.records import (
    DocumentInfo,
    IdempotencyKeyReused,
    Stored,
    store_document,
)
from lieu.platform.notes.service import MAX_NOTE, NoteRefused, add_note
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.documents import document_attached
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import (
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    ServiceReport,
)

MAX_TEXT = 2000
LARGEST = Decimal(10) ** 9
# GraphQL's names for the same commands: the audit log reads the same whichever was used.
AUDITED = {
    "respond": "respondToReferral",
    "inform": "provideInformation",
    "report": "reportService",
    "reauthorize": "requestReauthorization",
    "upload": "attachDocument",
    "note": "addReferralNote",
}


class BadInput(ValueError):
    """The form cannot be sent as it is; the message says what to change."""


async def act(request: Request) -> Response:
    """Run the form's action on the authorization, if the provider may see it."""
    number = request.path_params["number"]
    action = request.path_params["action"]
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    shown = PROVIDER_PAGES.get(action) if action in AUDITED else None
    if shown is None:
        context = {"number": action, "what": "inbox action"}
        return page(
            request, "provider/not_found.html", context, principal=principal, status_code=404
        )
    if not shown.allows(principal):
        return refused(request, principal, shown)
    async with reads(request)() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
    if row is None:
        await _audit(request, principal, action, number, "not_found")
        return await authorization_page(request, principal, number, None)
    form = await request.form()
    try:
        if action == "upload":
            return await _upload(request, principal, row, form)
        if action == "note":
            return await _note(request, principal, row, str(form.get("text", "")))
        values = {
            name: str(form.get(name, "")).strip()[:MAX_TEXT] for name in form if name != "csrf"
        }
        values["key"] = values.get("key") or uuid.uuid4().hex
        try:
            command, flash = _command(action, principal, values)
        except BadInput as bad:
            return await _again(request, principal, number, Sent(action, values, str(bad)), 400)
        return await _send(request, principal, row, action, command, flash, values)
    finally:
        await form.close()


def _command(action: str, principal: Principal, values: dict[str, str]) -> tuple[Action, str]:
    """The command the form asks for, and the message shown once it took effect."""
    key = values["key"][:64]
    if action == "respond":
        accept = values.get("answer") == "accept"
        if values.get("answer") not in ("accept", "decline"):
            raise BadInput("choose to accept or to decline the referral")
        reason = _text(values.get("reason", ""))
        if not accept and not reason:
            raise BadInput("declining a referral needs a reason; the plan reads it")
        response = ProviderResponse(principal.provider or "", accept, reason, key)
        return response, "accepted" if accept else "declined"
    if action == "inform":
        sent = ProvideInformation(principal.provider or "", _text(values.get("note", "")), key)
        return sent, "information_sent"
    if action == "reauthorize":
        quantity = _number(values.get("quantity", ""), "the quantity to continue for")
        asked = ReauthorizationRequest(
            principal.actor, quantity, _text(values.get("reason", "")), key
        )
        return asked, "reauthorization_requested"
    code, _, modifiers = values.get("code", "").partition("|")
    if not code:
        raise BadInput("choose the code you bill")
    quantity = _number(values.get("quantity", ""), "the quantity delivered")
    units_text = values.get("units", "")
    report = ServiceReport(
        report_id=values.get("report_id") or key,
        reported_by=principal.actor,
        start=_day(values.get("start", ""), "the first day of service"),
        end=_day(values.get("end", ""), "the last day of service"),
        quantity=quantity,
        amount=_number(values.get("amount", ""), "the amount billed", zero=True),
        code=code.strip().upper(),
        modifiers=tuple(m.strip().upper() for m in modifiers.split(",") if m.strip()),
        units=_number(units_text, "the billing units") if units_text else None,
        rendering_npi=values.get("npi", "").strip(),
        key=key,
    )
    return report, "reported"


async def _send(
    request: Request,
    principal: Principal,
    row: AuthorizationRecord,
    action: str,
    command: Action,
    flash: str,
    values: dict[str, str],
) -> Response:
    # stored before the command is sent, as GraphQL's audit_ahead does
    await _audit(
        request, principal, action, row.id, "sent", "sent to the workflow; the outcome follows"
    )
    try:
        reply = await service.act(runtime_of(request).temporal, row.id, command)
    except AuthorizationRequestError as no:
        await _audit(request, principal, action, row.id, "refused", f"{no.code}: {no.message}")
        return await _again(request, principal, row.id, Sent(action, values, no.message))
    if isinstance(command, ServiceReport) and not reply.accepted:
        detail = f"{reply.code or 'not_accepted'}: {reply.message}"
        await _audit(request, principal, action, row.id, "refused", detail)
        return await _again(request, principal, row.id, Sent(action, values, reply.message))
    await _audit(request, principal, action, row.id, "ok")
    return _done(row.id, flash)


async def _upload(
    request: Request, principal: Principal, row: AuthorizationRecord, form: FormData
) -> Response:
    """Store the document (the checks `attachDocument` makes) and tell the workflow."""
    runtime = runtime_of(request)
    requirement = str(form.get("requirement", ""))
    key = str(form.get("key", "")).strip()[:64] or uuid.uuid4().hex
    values = {"requirement": requirement, "key": key}
    file = form.get("file")

    async def refuse(why: str, detail: str, status_code: int = 409) -> Response:
        await _audit(request, principal, "upload", row.id, "refused", detail)
        return await _again(request, principal, row.id, Sent("upload", values, why), status_code)

    if not isinstance(file, UploadFile) or not file.filename:
        return await refuse("choose the file to attach", "no_file", 400)
    if Status(row.status).is_final:
        why = f"authorization {row.id} is {row.status}; documents are attached while it is open"
        return await refuse(why, f"already_final: {row.status}")
    asked = await asked_documents(request, row.id)
    if requirement not in asked:
        return await refuse(
            unknown_requirement(requirement, asked), f"unknown_requirement: {requirement}", 400
        )
    content = await file.read(runtime.settings.document_max_bytes + 1)
    upload = records.Upload(
        authorization_id=row.id,
        requirement=requirement,
        filename=file.filename,
        claimed_type=file.content_type or "",
        content=content,
        idempotency_key=key,
        uploaded_by=principal.actor,
    )
    stored: Stored | None = None
    try:
        async with writes(request).begin() as session:
            stored = await store_document(
                session=session,
                store=runtime.documents,
                upload=upload,
                max_bytes=runtime.settings.document_max_bytes,
            )
            document = stored.document
            outcome = "ok" if stored.created else "replayed"
            detail = f"{document.id} {document.requirement} {document.content_type} {document.size}"
            record(session, [_line(request, principal, "upload", row.id, outcome, detail)])
    except DocumentRefused as refusal:
        return await refuse(refusal.message, f"{refusal.code}: {refusal.message}", 400)
    except IdempotencyKeyReused as reused:
        return await refuse(str(reused), f"idempotency_key_reused: {reused.first_id}")
    except BaseException:
        if stored is not None:  # the row did not commit: the bytes written go again
            async with reads(request)() as session:
                await records.discard(session=session, store=runtime.documents, stored=stored)
        raise
    no = await document_attached(runtime.temporal, row.id, DocumentInfo.of(stored.document))
    if no is not None:
        why = (
            f"the document is stored ({stored.document.id}), but the authorization did not "
            f"take it: {no.message}"
        )
        return await refuse(why, f"{no.code}: {no.message}")
    return _done(row.id, "document_attached")


async def _note(
    request: Request, principal: Principal, row: AuthorizationRecord, text: str
) -> Response:
    """Keep a note the plan reads (the service `addReferralNote` calls), audited with it."""
    async with writes(request).begin() as session:
        try:
            note = await add_note(
                session=session, authorization=row, principal=principal, text=text, now=utcnow()
            )
        except NoteRefused as wrong:
            record(session, [_line(request, principal, "note", row.id, "invalid", str(wrong))])
            error = str(wrong)
        else:
            record(session, [_line(request, principal, "note", row.id, "ok", f"note {note.id}")])
            error = ""
    if error:
        sent = Sent("note", {"text": text[:MAX_NOTE]}, error)
        return await _again(request, principal, row.id, sent, 400)
    return _done(row.id, "note_added")


def _done(number: str, flash: str) -> Response:
    query = urlencode({"flash": flash})
    return RedirectResponse(f"/provider/authorizations/{number}?{query}", status_code=303)


async def _again(
    request: Request, principal: Principal, number: str, sent: Sent, status_code: int = 409
) -> Response:
    return await authorization_page(request, principal, number, sent, status_code)


def _line(
    request: Request, principal: Principal, action: str, number: str, outcome: str, detail: str = ""
) -> AuditRecord:
    return AuditRecord(
        principal,
        f"provider.{AUDITED[action]}",
        f"authorization:{number}",
        outcome,
        origin_of(request),
        detail,
    )


async def _audit(
    request: Request, principal: Principal, action: str, number: str, outcome: str, detail: str = ""
) -> None:
    async with writes(request).begin() as session:
        record(session, [_line(request, principal, action, number, outcome, detail)])


def _text(text: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise BadInput("the text contains a control character; type it again as plain text")
    return text


def _number(text: str, what: str, *, zero: bool = False) -> Decimal:
    if not text:
        raise BadInput(f"give {what}")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise BadInput(f"{text!r} is not a number; write {what} like 12 or 7.5") from None
    if not value.is_finite() or value < 0 or (value == 0 and not zero) or value >= LARGEST:
        raise BadInput(f"{what} must be a number above 0 and below {LARGEST:,}")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadInput(f"{text!r} has more than two decimals; round it to two")
    return value


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"give {what} as a date (YYYY-MM-DD), not {text[:20]!r}") from None
