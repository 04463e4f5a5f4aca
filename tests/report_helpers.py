"""Helpers for the report tests: the visible text of a rendering, whitespace made plain."""

import re
from html import unescape


def flat(text: str) -> str:
    """Whitespace as plain spaces, so formats compare alike."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def html_text(html: str) -> str:
    """The visible text of a page: no styles, no charts, no tags, entities decoded."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return flat(unescape(re.sub(r"<[^>]+>", " ", html)))
