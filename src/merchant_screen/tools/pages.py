"""Plain data shapes shared by the extractor, the crawler and everything downstream."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CONTENT_STATES",
    "ExtractedPage",
    "FormInfo",
    "HiddenReason",
    "HiddenText",
    "Link",
    "PageState",
]

PageState = Literal[
    "ok",
    "not_found",
    "error",
    "redirect_offsite",
    "blocked_robots",
    "bot_wall",
    "login_wall",
    "age_gate",
    "parked",
    "under_construction",
    "js_required",
    "empty",
    "non_html",
]
# States decided from a page's content (the others come from the HTTP exchange).
CONTENT_STATES: frozenset[str] = frozenset(
    {
        "ok",
        "bot_wall",
        "login_wall",
        "age_gate",
        "parked",
        "under_construction",
        "js_required",
        "empty",
    }
)

LinkRegion = Literal["nav", "header", "footer", "main"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Link(_Frozen):
    """An ``<a href>`` resolved against the page URL (fragment dropped)."""

    url: str
    text: str = Field("", description="anchor text, else title / aria-label / img alt")
    region: LinkRegion = "main"
    rel: tuple[str, ...] = ()


class FormInfo(_Frozen):
    action: str | None
    method: str = "get"
    inputs: tuple[str, ...] = Field((), description="input names or types")
    has_password: bool = False


# Why the extractor calls a run of text hidden (tools/hiding.py decides).
HiddenReason = Literal[
    "display_none",
    "visibility_hidden",
    "hidden_attribute",
    "zero_size",
    "offscreen",
    "same_colour",
    "transparent",
    "clipped",
    "html_comment",
    "noscript",
    "template",
]


class HiddenText(_Frozen):
    """Text present in the HTML but not shown to a visitor. A risk signal, never evidence."""

    # "aria_hidden" is no longer produced (aria-hidden hides nothing from a person); it is
    # kept so that snapshots recorded before still load
    reason: HiddenReason | Literal["aria_hidden"]
    text: str


class ExtractedPage(_Frozen):
    """What ``extract_page`` reads from one HTML document; pure data, no I/O."""

    url: str
    title: str = ""
    meta_description: str = ""
    headings: tuple[str, ...] = ()
    text: str = Field(
        "",
        description="visible text of the whole page (nav, header, main, footer), one block "
        "per line; the only text a quote may be verified against",
    )
    regions: tuple[tuple[int, int, LinkRegion], ...] = Field(
        (),
        description="character ranges [start, end) of ``text`` that stand in the page's nav, "
        "header or footer; everything else is main content",
    )
    hidden: tuple[HiddenText, ...] = ()
    alt_texts: tuple[str, ...] = ()
    json_ld: tuple[dict[str, Any], ...] = ()
    links: tuple[Link, ...] = ()
    forms: tuple[FormInfo, ...] = ()
    canonical: str | None = None
    language: str | None = None
    platform: str | None = Field(None, description="site builder if recognised, e.g. 'shopify'")
    has_next_data: bool = False
    script_bytes: int = 0
    state: PageState = "ok"
    state_reason: str = ""

    def region_at(self, offset: int) -> LinkRegion:
        """The region of the character at ``offset`` of ``text``."""
        index = bisect_right(self.regions, (offset, len(self.text) + 1)) - 1
        if index >= 0:
            start, end, region = self.regions[index]
            if start <= offset < end:
                return region
        return "main"
