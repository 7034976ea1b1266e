"""What goes wrong with a plan's notice templates, said with the file and how to fix it."""

from __future__ import annotations

from pathlib import Path

HOW_TO = "docs/notices.md says how notice templates are written"


class NoticeTemplateError(ValueError):
    """A notice template or language file is missing or broken: the message names the file
    (and line or JSON pointer), what is wrong and what to do."""

    def __init__(self, where: Path | str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = str(where)
