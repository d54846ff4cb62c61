"""Markdown in posts: CommonMark (plus tables and strikethrough) rendered without raw
HTML, then sanitised with an allow-list, so no script, event handler or javascript:
link can survive whatever a fan types."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
}
# Tables align columns with a class, not style="text-align: ...": the Content-Security-
# Policy allows no inline style (static/css/tanggap.css has the three classes).
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML is shown as text, never passed through. Images are off:
    # screenshots are uploaded (re-encoded, stripped), not hot-linked from anywhere.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.core.ruler.push("align_classes", _align_classes)
    return md


def _align_classes(state) -> None:
    """Turn a table cell's style="text-align:right" into class="align-right"."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and (style := token.attrGet("style")):
            del token.attrs["style"]
            token.attrSet("class", "align-" + style.partition(":")[2].strip())


def render(source: str) -> str:
    """Turn a post's Markdown into sanitised HTML that is safe to mark as safe."""
    html = _parser().render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        allowed_classes={
            "code": {"language-" + lang for lang in _CODE_LANGUAGES},
            "th": ALIGN_CLASSES,
            "td": ALIGN_CLASSES,
        },
        strip_comments=True,
    )


# Fence info strings we keep as a class (for a future highlighter); others are dropped.
_CODE_LANGUAGES = ("log", "text", "txt", "json", "xml", "sh", "bash", "python", "java", "kotlin")
