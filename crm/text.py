"""Text helpers: safe Markdown rendering and the normalisation used for sorting and search."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "commonmark" with raw HTML off: HTML in a note is shown as text, and nh3 cleans whatever remains.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_WORD = re.compile(r"[a-z0-9]+")


def render_markdown(source: str | None) -> Markup:
    """Render user-written Markdown to sanitised HTML (no scripts, no event handlers, safe links)."""
    if not source:
        return Markup("")
    html = _markdown.render(source)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has sanitised it


def fold(value: str | None) -> str:
    """Lower-case ``value`` and strip accents: "Ćirić" → "ciric"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(value: str | None) -> list[str]:
    """Split ``value`` into folded words for search."""
    return _WORD.findall(fold(value))
