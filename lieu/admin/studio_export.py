"""The studio's export of a simulation (issue #13 point 4): every member of the plan whose
eligibility the newest draft would change, as CSV — CIN, county, before, with the draft, and the
draft's reasons — for the plan's own product team. Members' CINs leave the console in it, so
the export is audited (its count and the draft) in the same transaction that reads them."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.actions import origin_of
from lieu.admin.database import writes
from lieu.admin.pages import page
from lieu.admin.studio import plan_today, stored_versions, studio_principal
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.definitions.errors import InvalidDefinition
from lieu.platform.definitions.models import DefinitionStatus
from lieu.platform.definitions.simulation import SimulationError, change_of, compare_members
from lieu.platform.definitions.supports import SUPPORTS

COLUMNS = ("cin", "county", "before", "with_draft", "reasons")


async def export_simulation(request: Request) -> Response:
    """The CSV of every affected member (a form POST: it reads member data)."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    plan, support = principal.plan, request.path_params["support"]
    if support not in SUPPORTS:
        return page(
            request, "not_found.html", {"what": "support", "number": support}, status_code=404
        )
    out = io.StringIO()
    sheet = csv.writer(out, lineterminator="\r\n")
    sheet.writerow(COLUMNS)
    async with writes(request).begin() as session:
        today = await plan_today(session, plan)
        versions = await stored_versions(session, plan, support)
        drafts = [
            r for r in versions.get((plan, support), []) if r.status == DefinitionStatus.DRAFT
        ]
        if not drafts:
            return RedirectResponse(
                str(request.url_for("admin:admin-studio-support", support=support)),
                status_code=303,
            )
        draft = drafts[-1]
        ref = f"{plan}/{support}/v{draft.version}"
        count = 0
        try:
            async for compared in compare_members(
                session=session, plan=plan, support=support, version=draft.version, on=today
            ):
                change = change_of(compared)
                if change is None:
                    continue
                count += 1
                sheet.writerow(
                    (
                        change.cin,
                        change.county,
                        change.before,
                        change.after,
                        " | ".join(change.reasons),
                    )
                )
        except (InvalidDefinition, SimulationError) as broken:
            outcome, detail = "refused", str(broken)
        else:
            outcome, detail = "ok", f"{ref} on {today.isoformat()}: {count} members"
        record(
            session,
            [
                AuditRecord(
                    principal,
                    "console.export_simulation",
                    f"members:{plan}",
                    outcome,
                    origin_of(request),
                    detail=detail,
                )
            ],
        )
    if outcome != "ok":
        return page(
            request, "studio_refused.html", {"reason": detail}, principal=principal, status_code=409
        )
    name = f"{plan}-{support}-v{draft.version}-affected-{today.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
