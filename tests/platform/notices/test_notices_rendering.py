"""What a member reads: every kind of notice in English and Spanish, HTML and PDF alike, with
the decision and when, the specific reason, the criteria and the member's rights, times in the
plan's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lieu.platform.notices.facts import NoticeKind
from lieu.platform.notices.rendering import Rendered, render_notice
from lieu.platform.notices.templates import NoticeTemplates
from lieu.settings import PACKAGE_PARENT
from tests.platform.notices.notice_cases import facts, html_text, pdf_text

DEMO = NoticeTemplates(PACKAGE_PARENT / "benefit_definitions" / "notices")

# What each kind says first, in each language lieu ships.
TITLES = {
    "en": {
        NoticeKind.DENIAL: "Notice of Action: Denial",
        NoticeKind.DEEMED_DENIAL: "Notice of Action: Denial (no decision in time)",
        NoticeKind.PARTIAL_APPROVAL: "Notice of Action: Partial Approval",
        NoticeKind.REDUCTION: "Notice of Action: Reduction of Services",
        NoticeKind.TERMINATION: "Notice of Action: End of Services",
        NoticeKind.EXTENSION: "Notice of Extension: More Time to Decide",
        NoticeKind.INFORMATION_REQUEST: "Request for Information",
        NoticeKind.REVERSAL: "Notice of Action: Earlier Denial Reversed",
        NoticeKind.APPEAL_RESOLUTION: "Notice of Appeal Resolution",
        NoticeKind.APPEAL_EXTENSION: "Notice of Extension: More Time to Decide Your Appeal",
    },
    "es": {
        NoticeKind.DENIAL: "Aviso de acción: negación",
        NoticeKind.DEEMED_DENIAL: "Aviso de acción: negación (sin decisión a tiempo)",
        NoticeKind.PARTIAL_APPROVAL: "Aviso de acción: aprobación parcial",
        NoticeKind.REDUCTION: "Aviso de acción: reducción de servicios",
        NoticeKind.TERMINATION: "Aviso de acción: fin de servicios",
        NoticeKind.EXTENSION: "Aviso de extensión: más tiempo para decidir",
        NoticeKind.INFORMATION_REQUEST: "Solicitud de información",
        NoticeKind.REVERSAL: "Aviso de acción: se revoca la negación anterior",
        NoticeKind.APPEAL_RESOLUTION: "Aviso de resolución de la apelación",
        NoticeKind.APPEAL_EXTENSION: "Aviso de extensión: más tiempo para decidir su apelación",
    },
}
RIGHTS = {
    "en": ("60 calendar days", "expedited appeal", "72 hours", "State Fair Hearing",
           "continuation of benefits"),
    "es": ("60 días calendario", "apelación acelerada", "72 horas", "Audiencia Estatal Imparcial",
           "continuación de beneficios"),
}  # fmt: skip


def _both(rendered: Rendered) -> list[str]:
    return [html_text(rendered.html), pdf_text(rendered.pdf)]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_renders_in_english_and_spanish_as_html_and_pdf(
    kind: NoticeKind, language: str
) -> None:
    rendered = render_notice(DEMO, facts(kind), language)
    assert rendered.pdf.startswith(b"%PDF-")
    assert f'<html lang="{language}">' in rendered.html
    for text in _both(rendered):
        assert TITLES[language][kind] in text
        assert "Demo Health Plan" in text
        assert "A-1" in text and "91000001A" in text
        for right in RIGHTS[language]:
            # an upheld appeal's notice gives the State Fair Hearing right only (431.221(d))
            hearing = kind is NoticeKind.APPEAL_RESOLUTION and right == RIGHTS[language][3]
            assert (right in text) is (kind.adverse or hearing), (kind, right)


@pytest.mark.parametrize(
    ("outcome", "english", "spanish"),
    [
        ("upheld", "We upheld our earlier decision", "Mantenemos nuestra decisión anterior"),
        ("overturned", "We reversed our earlier decision", "Revocamos nuestra decisión anterior"),
        ("partly_overturned", "we now approve 24 hours", "ahora aprobamos 24 horas"),
        ("not_decided", "you can ask for a State Fair Hearing now", "Audiencia Estatal Imparcial"),
    ],
)
def test_an_appeal_resolution_says_its_outcome_and_when_a_hearing_may_be_asked(
    outcome: str, english: str, spanish: str
) -> None:
    appeal = facts(NoticeKind.APPEAL_RESOLUTION, outcome=outcome, approved=Decimal(24))
    en = pdf_text(render_notice(DEMO, appeal, "en").pdf)
    es = pdf_text(render_notice(DEMO, appeal, "es").pdf)
    assert english in en and spanish in es
    assert "A-1-AP1" in en and "A-1-AP1" in es
    # a hearing is asked within 120 days of this notice (42 CFR 431.221(d)): April 10, 2027
    hearing = "within 120 days of the date of this notice, that is by April 10, 2027"
    assert (hearing in en) is (outcome != "overturned")
    assert ("10 de abril de 2027" in es) is (outcome != "overturned")


def test_an_appeal_extension_gives_the_new_date_the_reason_and_the_right_to_a_grievance() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.APPEAL_EXTENSION), "en").pdf)
    assert "We will decide it by January 24, 2027 at 5:30 PM PST" in text
    assert "The member asked for time to send a doctor's letter." in text
    assert "the right to file a grievance" in text


def test_a_denial_pdf_gives_the_reason_the_criteria_the_rights_and_the_pacific_times() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.DENIAL), "en").pdf)
    assert "We have denied the request for 40 hours of Respite Services" in text
    assert "received on December 4, 2026 at 9:15 AM PST" in text
    assert "We made this decision on December 11, 2026 at 5:30 PM PST" in text
    # the reason: the words for its code and the reviewer's own
    assert "The request does not meet the criteria this service has" in text
    assert "The caregiver is not at risk of burnout this quarter." in text
    # the criteria with their reference, and the right to free copies
    assert "An unpaid caregiver needs relief to avoid institutional placement." in text
    assert "(DHCS Community Supports Policy Guide, Volume 1 (2025), Respite Services)" in text
    assert "free copy of the criteria we used" in text
    # the rights, with the appeal's last day counted from the notice's Pacific date
    assert "within 60 calendar days of the date of this notice, that is by February 9, 2027" in text
    assert "expedited appeal. We will decide it within 72 hours" in text
    assert "State Fair Hearing with the California Department of Social Services" in text
    assert "keep getting it while your appeal is decided (continuation of benefits)" in text


def test_a_spanish_denial_pdf_writes_its_dates_and_rights_in_spanish() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.DENIAL), "es").pdf)
    assert "Hemos negado la solicitud de 40 horas de Servicios de Relevo (Respite)" in text
    assert "Tomamos esta decisión el 11 de diciembre de 2026 a las 5:30 p. m. PST" in text
    assert "La solicitud no cumple los criterios de este servicio" in text
    assert "a más tardar el 9 de febrero de 2027" in text
    assert "Audiencia Estatal Imparcial (State Fair Hearing)" in text


def test_a_notice_issued_in_summer_says_pacific_daylight_time() -> None:
    summer = datetime(2026, 7, 1, 19, 5, tzinfo=UTC)
    text = pdf_text(render_notice(DEMO, facts(issued_at=summer), "en").pdf)
    assert "We made this decision on July 1, 2026 at 12:05 PM PDT" in text


def test_the_time_zone_of_the_facts_is_the_one_the_notice_speaks_in() -> None:
    text = pdf_text(render_notice(DEMO, facts(time_zone="America/New_York"), "en").pdf)
    assert "December 11, 2026 at 8:30 PM EST" in text


def test_a_notice_issued_late_in_the_pacific_evening_counts_the_appeal_from_that_day() -> None:
    # 11:30 PM PST on December 31 is already January 1 in UTC: the notice's date is December 31.
    late = datetime(2027, 1, 1, 7, 30, tzinfo=UTC)
    text = pdf_text(render_notice(DEMO, facts(issued_at=late), "en").pdf)
    assert "Date of this notice: December 31, 2026" in text
    assert "that is by March 1, 2027" in text


def test_a_reduction_gives_the_date_it_takes_effect_and_how_to_keep_the_service_meanwhile() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.REDUCTION), "en").pdf)
    assert "We are reducing your Respite Services to 16 hours" in text
    assert "The change takes effect on December 28, 2026" in text
    # 10 days from December 11 is December 21; the change takes effect later, December 28
    assert "ask for an appeal by December 28, 2026" in text
    assert "You have already used the most of this service" in text


def test_a_termination_soon_after_the_notice_keeps_the_service_for_ten_days_to_appeal() -> None:
    soon = facts(NoticeKind.TERMINATION, effective_on=date(2026, 12, 15))
    text = pdf_text(render_notice(DEMO, soon, "en").pdf)
    assert "From December 15, 2026 it will no longer be covered" in text
    assert "ask for an appeal by December 21, 2026" in text


def test_an_extension_gives_the_reason_the_new_date_and_the_right_to_a_grievance() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.EXTENSION), "en").pdf)
    assert "We will decide by December 18, 2026 at 5:30 PM PST" in text
    assert "Why we need more time" in text
    assert "We are waiting for the caregiver assessment." in text
    assert "right to file a grievance" in text


def test_an_information_request_says_what_is_needed_and_by_when() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.INFORMATION_REQUEST), "es").pdf)
    assert "necesitamos más información" in text
    assert "The caregiver assessment signed by the provider" in text
    assert "a más tardar el 15 de diciembre de 2026 a las 5:00 p. m. PST" in text


def test_a_reversal_says_the_earlier_denial_is_reversed() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.REVERSAL), "en").pdf)
    assert "that earlier denial is reversed: we approved 40 hours" in text


def test_a_deemed_denial_says_no_decision_in_time_is_a_denial_that_can_be_appealed() -> None:
    text = pdf_text(render_notice(DEMO, facts(NoticeKind.DEEMED_DENIAL), "en").pdf)
    assert "a decision not made in time is a denial" in text
    assert "We did not decide the request in the time the rules give us" in text
    assert "60 calendar days" in text


def test_what_the_reviewer_wrote_is_escaped_in_the_html_and_kept_in_the_pdf() -> None:
    sneaky = facts(reason="<script>alert(1)</script> & more")
    rendered = render_notice(DEMO, sneaky, "en")
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in rendered.html
    assert "<script>alert(1)</script> & more" in pdf_text(rendered.pdf)


def test_a_plan_without_notice_settings_gets_lieus_templates_under_its_own_code() -> None:
    bare = NoticeTemplates(None)
    text = pdf_text(render_notice(bare, facts(plan="bare-plan"), "en").pdf)
    assert "you can ask bare-plan for an appeal" in text
    assert bare.plan("bare-plan").languages == ("en", "es")
