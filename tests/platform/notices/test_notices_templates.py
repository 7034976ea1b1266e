"""A plan's own notices: its templates replace or extend lieu's, it adds threshold languages,
and each missing or broken file is refused naming the file, what is wrong and how to fix it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont

from lieu.platform.notices.checking import plans_with_templates, template_problems
from lieu.platform.notices.errors import NoticeTemplateError
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.notices.pdf import shipped_fonts
from lieu.platform.notices.rendering import render_for_member, render_notice
from lieu.platform.notices.templates import NoticeTemplates
from tests.platform.notices.notice_cases import BROKEN, PLANS, facts, html_text, pdf_text


def test_a_plan_template_that_extends_lieus_replaces_only_the_blocks_it_names() -> None:
    templates = NoticeTemplates(PLANS)
    text = pdf_text(render_notice(templates, facts(plan="override-plan"), "en").pdf)
    assert "Override Health's member desk answers every day at 1-800-555-0177" in text
    assert "Questions" not in text  # lieu's contact block is gone
    assert "within 60 calendar days of the date of this notice" in text  # the rest is lieu's


def test_a_plan_language_file_changes_one_reasons_words_and_keeps_the_others() -> None:
    templates = NoticeTemplates(PLANS)
    capped = render_notice(templates, facts(NoticeKind.REDUCTION, plan="override-plan"), "en")
    assert "You have reached Override Health's yearly cap for this service." in pdf_text(capped.pdf)
    denied = render_notice(templates, facts(plan="override-plan"), "en")
    assert "The request does not meet the criteria this service has" in pdf_text(denied.pdf)


def test_a_plan_override_of_english_leaves_its_spanish_notices_as_lieu_ships_them() -> None:
    text = pdf_text(render_notice(NoticeTemplates(PLANS), facts(plan="override-plan"), "es").pdf)
    assert "Llame a Override Health al 1-800-555-0177" in text


def test_a_plan_adds_vietnamese_with_its_own_words_dates_and_rights() -> None:
    templates = NoticeTemplates(PLANS)
    assert templates.plan("vi-plan").languages == ("en", "es", "vi")
    rendered = render_notice(templates, facts(plan="vi-plan"), "vi")
    assert '<html lang="vi">' in rendered.html
    for text in (pdf_text(rendered.pdf), html_text(rendered.html)):
        assert "Thông báo về quyết định: Từ chối" in text
        assert "Quyết định được đưa ra ngày 11 tháng 12 năm 2026 lúc 5:30 CH PST" in text
        assert "Yêu cầu không đáp ứng các tiêu chí của dịch vụ này" in text
        assert "trong vòng 60 ngày theo lịch" in text
        assert "kháng cáo khẩn cấp" in text and "72 giờ" in text
        assert "State Fair Hearing" in text


def test_a_member_who_prefers_vietnamese_gets_it_and_the_plan_keeps_an_english_copy() -> None:
    rendered = render_for_member(NoticeTemplates(PLANS), facts(plan="vi-plan"), "vi")
    assert [r.language for r in rendered] == ["vi", "en"]
    assert "Notice of Action: Denial" in pdf_text(rendered[1].pdf)


def test_a_member_who_prefers_english_gets_one_notice() -> None:
    rendered = render_for_member(NoticeTemplates(PLANS), facts(plan="vi-plan"), "en")
    assert [r.language for r in rendered] == ["en"]


@pytest.mark.parametrize(
    ("preferred", "chosen"),
    [("es", "es"), ("es-MX", "es"), ("ES", "es"), ("vi", "vi"), ("tl", "en"), (None, "en")],
)
def test_the_members_language_is_the_plans_nearest_else_its_first(
    preferred: str | None, chosen: str
) -> None:
    assert NoticeTemplates(PLANS).plan("vi-plan").language_of(preferred) == chosen


def test_a_plan_that_lists_spanish_first_sends_spanish_to_members_who_said_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "es-first").mkdir()
    (tmp_path / "es-first" / "plan.json").write_text('{"languages": ["es", "en"]}')
    rendered = render_for_member(NoticeTemplates(tmp_path), facts(plan="es-first"), None)
    assert [r.language for r in rendered] == ["es", "en"]


def test_a_template_with_a_syntax_error_is_refused_with_its_file_and_line() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="template-syntax-error"), "en")
    message = str(refused.value)
    assert message.startswith(f"{BROKEN / 'template-syntax-error' / 'en' / 'notice.html'}:4: ")
    assert "Encountered unknown tag 'endblock'" in message
    assert "fix the template" in message and "docs/notices.md" in message


def test_a_template_reading_a_variable_notices_do_not_have_names_it_and_its_line() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="template-unknown-variable"), "en")
    message = str(refused.value)
    assert message.startswith(f"{BROKEN / 'template-unknown-variable' / 'en' / 'notice.html'}:3: ")
    assert "has no attribute 'fax'" in message
    assert "the variables docs/notices.md lists" in message


def test_a_language_without_its_words_asks_for_the_language_file() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="language-without-words"), "vi")
    assert str(refused.value).startswith(
        f"{BROKEN / 'language-without-words' / 'vi' / 'language.json'}: plan "
        "language-without-words sends notices in 'vi', which lieu does not ship: write this file"
    )


def test_a_language_without_a_template_asks_for_the_template() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="language-without-template"), "vi")
    assert str(refused.value).startswith(
        f"{BROKEN / 'language-without-template' / 'vi' / 'notice.html'}: plan "
        "language-without-template sends notices in 'vi' but has no notice template for it"
    )


def test_a_language_file_missing_a_reasons_words_names_the_reason_code() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="reason-without-words"), "vi")
    assert str(refused.value) == (
        f"{BROKEN / 'reason-without-words' / 'vi' / 'language.json'}#/reasons: no words for "
        "'limit_reached'; add them"
    )


def test_a_plan_listing_a_language_it_has_no_folder_for_is_refused_at_that_entry() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        NoticeTemplates(BROKEN).plan("plan-language-unknown")
    message = str(refused.value)
    assert message.startswith(f"{BROKEN / 'plan-language-unknown' / 'plan.json'}#/languages/1: ")
    assert "'fr' is not one of lieu's or this folder's (en, es)" in message


def test_a_notice_the_pdf_font_cannot_draw_is_refused_naming_the_characters() -> None:
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(NoticeTemplates(BROKEN), facts(plan="font-without-glyphs"), "zh")
    message = str(refused.value)
    assert "the PDF font has no glyph for" in message
    assert "'我' (U+6211)" in message
    assert "pdf_font.regular" in message


def test_a_plan_may_name_the_pdf_font_its_script_needs(tmp_path: Path) -> None:
    # The plan's font: lieu's, less the letter ó (so which font drew the notice shows).
    plan = tmp_path / "own-font"
    (plan / "fonts").mkdir(parents=True)
    regular = plan / "fonts" / "Plan-Regular.ttf"
    with TTFont(shipped_fonts()[""]) as font:
        kept = [code for code in font.getBestCmap() if chr(code) != "ó"]
        subsetter = Subsetter(Options(notdef_outline=True))
        subsetter.populate(unicodes=kept)
        subsetter.subset(font)
        font.save(regular)
    (plan / "plan.json").write_text(json.dumps({"pdf_font": {"regular": "fonts/Plan-Regular.ttf"}}))
    templates = NoticeTemplates(tmp_path)
    assert templates.plan("own-font").fonts == {"": regular.resolve()}
    english = render_notice(templates, facts(plan="own-font"), "en")
    assert "Notice of Action: Denial" in pdf_text(english.pdf)
    with pytest.raises(NoticeTemplateError) as refused:
        render_notice(templates, facts(plan="own-font"), "es")
    assert str(refused.value).startswith(f"{regular.resolve()}: the PDF font has no glyph for")
    assert "'ó' (U+00F3)" in str(refused.value)


def test_a_plan_font_outside_the_plans_folder_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "escaping"
    plan.mkdir()
    (plan / "plan.json").write_text('{"pdf_font": {"regular": "../../etc/font.ttf"}}')
    with pytest.raises(NoticeTemplateError, match=r"plan\.json#/pdf_font/regular: "):
        NoticeTemplates(tmp_path).plan("escaping")


def test_checking_the_shipped_and_fixture_plans_finds_no_problem() -> None:
    templates = NoticeTemplates(PLANS)
    assert plans_with_templates(templates) == ["override-plan", "vi-plan"]
    for plan in plans_with_templates(templates):
        assert template_problems(templates, plan) == []


def test_checking_broken_plans_says_each_problem_once_with_the_kind_that_showed_it() -> None:
    templates = NoticeTemplates(BROKEN)
    problems = template_problems(templates, "template-unknown-variable")
    assert len(problems) == 1
    assert "has no attribute 'fax'" in problems[0]
    assert "(rendering a denial notice in 'en')" in problems[0]
    assert template_problems(templates, "plan-language-unknown")[0].startswith(
        f"{BROKEN / 'plan-language-unknown' / 'plan.json'}#/languages/1"
    )
