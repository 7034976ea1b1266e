"""A notice's PDF, from the same HTML the member could read in a browser (fpdf2, pure Python).

The font is Source Sans Pro from the `font-source-sans-pro` package (it covers Spanish,
Vietnamese and the other Latin-script threshold languages); a plan whose notices use another
script names a TTF font in its plan.json. A notice whose text has a character the font cannot
draw is refused, naming the characters: a member never gets a notice with blanks in it.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TextStyle, TTFFont
from fpdf.html import HTML2FPDF

from lieu.platform.notices.errors import NoticeTemplateError

FONT_PACKAGE = "font_source_sans_pro"
FONT_FILES = {
    "": "SourceSansPro-Regular.ttf",
    "B": "SourceSansPro-Bold.ttf",
    "I": "SourceSansPro-It.ttf",
    "BI": "SourceSansPro-BoldIt.ttf",
}
FAMILY = "notice"
SKIPPED = frozenset({"head", "style", "script", "title"})
VOID = frozenset({"meta", "link", "base"})  # never closed: never counted
BLUE = "#1d4f91"  # the HTML's heading colour
HEADINGS: dict[str, TextStyle] = {
    "h1": TextStyle(font_family=FAMILY, font_style="B", font_size_pt=17, t_margin=3, b_margin=2),
    "h2": TextStyle(
        font_family=FAMILY, font_style="B", font_size_pt=13, color=BLUE, t_margin=4, b_margin=1
    ),
    "h3": TextStyle(font_family=FAMILY, font_style="B", font_size_pt=11, t_margin=3, b_margin=0.5),
}


def shipped_fonts() -> dict[str, Path]:
    """Source Sans Pro's TTF files, by style ('' regular, 'B', 'I', 'BI')."""
    folder = importlib.resources.files(FONT_PACKAGE) / "files"
    return {style: Path(str(folder / name)) for style, name in FONT_FILES.items()}


class _NoticeHTML(HTML2FPDF):
    """fpdf2's HTML reader, leaving out what a browser does not show (head, style, title)."""

    def __init__(self, pdf: FPDF, *args: Any, **kwargs: Any) -> None:
        super().__init__(pdf, *args, **kwargs)
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        elif not self._skipping and tag not in VOID:
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif not self._skipping:
            super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            super().handle_data(data)


class _NoticePDF(FPDF):
    HTML2FPDF_CLASS: type[HTML2FPDF] = _NoticeHTML


class _Text(HTMLParser):
    """The characters a page shows (for the font check)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: set[str] = set()
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skipping += tag in SKIPPED

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in SKIPPED and self._skipping > 0

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chars.update(data)


def render_pdf(html: str, *, title: str, language: str, fonts: Mapping[str, Path] = {}) -> bytes:
    """The PDF of a notice's HTML, in the plan's font (else Source Sans Pro), US Letter."""
    files = dict(fonts) or shipped_fonts()
    pdf = _NoticePDF(format="letter")
    try:
        pdf.set_margins(22, 20, 22)
        pdf.set_auto_page_break(auto=True, margin=20)
        for style, file in files.items():
            pdf.add_font(FAMILY, style, str(file))
        for style in ("B", "I", "BI"):  # a plan font with one file draws every style with it
            if style not in files:
                pdf.add_font(FAMILY, style, str(files[""]))
        _check_glyphs(pdf, html, files[""])
        pdf.set_title(title)
        pdf.set_lang(language)
        pdf.set_creator("lieu")
        pdf.set_font(FAMILY, size=10.5)
        pdf.add_page()
        pdf.write_html(
            html,
            tag_styles=HEADINGS,
            font_family=FAMILY,
            ul_bullet_char="\u2022",
            table_line_separators=True,
        )
        return bytes(pdf.output())
    finally:
        # fontTools reads a font's file lazily and keeps it open until told.
        for font in pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()


def _check_glyphs(pdf: FPDF, html: str, regular: Path) -> None:
    text = _Text()
    text.feed(html)
    font = pdf.fonts[FAMILY]
    assert isinstance(font, TTFFont)
    missing = sorted(c for c in text.chars if not c.isspace() and ord(c) not in font.cmap)
    if missing:
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:12])
        raise NoticeTemplateError(
            regular,
            f"the PDF font has no glyph for {len(missing)} character(s) of this notice: {shown}; "
            "name a TTF font that has them in the plan's plan.json (pdf_font.regular), e.g. a "
            "Noto Sans font for the language's script",
        )
