"""`lieu notices`: a plan team checks its templates before a member gets a notice from them,
previews one as HTML or PDF, and regenerates the README's picture of a denial."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lieu.cli import run
from tests.platform.notices.notice_cases import BROKEN, PLANS, html_text, pdf_text


def test_check_renders_every_kind_in_every_language_of_the_shipped_plans(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["notices", "check"]) == 0
    assert capsys.readouterr().out == "demo-plan: 10 kinds of notice render in en, es\n"


def test_check_of_a_plan_that_adds_vietnamese_names_its_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["notices", "check", "vi-plan", "--dir", str(PLANS)]) == 0
    assert capsys.readouterr().out == "vi-plan: 10 kinds of notice render in en, es, vi\n"


def test_check_of_broken_templates_lists_each_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [
        "notices",
        "check",
        "template-syntax-error",
        "reason-without-words",
        "--dir",
        str(BROKEN),
    ]
    assert run(argv) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{BROKEN / 'template-syntax-error' / 'en' / 'notice.html'}:4: ")
    assert lines[1].startswith(
        f"{BROKEN / 'reason-without-words' / 'vi' / 'language.json'}#/reasons"
    )
    assert captured.err == (
        "lieu: error: 2 problem(s) in the notice templates of template-syntax-error, "
        "reason-without-words\n"
    )


def test_render_writes_a_sample_notice_as_html_or_pdf(tmp_path: Path) -> None:
    page, pdf = tmp_path / "denial.html", tmp_path / "reduction.pdf"
    assert run(["notices", "render", str(page), "--language", "es"]) == 0
    assert run(["notices", "render", str(pdf), "--kind", "reduction"]) == 0
    assert "Aviso de acción: negación" in html_text(page.read_text())
    assert "The change takes effect on December 28, 2026" in pdf_text(pdf.read_bytes())


def test_render_to_another_kind_of_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run(["notices", "render", str(tmp_path / "notice.docx")]) == 2


@pytest.mark.browser
def test_screenshot_pictures_the_denial_for_the_readme(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    picture = tmp_path / "notice-denial.png"
    assert run(["notices", "screenshot", "--output", str(picture)]) == 0
    content = picture.read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    assert width == 900 and height > 1000  # the whole page, rights and all
