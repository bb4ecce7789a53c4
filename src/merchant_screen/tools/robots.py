"""robots.txt per RFC 9309, parsed by protego.

Fetch outcomes: 2xx -> the rules; 4xx (incl. 404) -> everything allowed; 5xx, 429 after
retries, or unreachable -> everything disallowed (the site may be in trouble). Redirects are
followed by the fetcher (up to its limit). Crawl-delay is honoured up to a cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego
from pydantic import BaseModel, ConfigDict

from merchant_screen.errors import BlockedURLError, FetchError
from merchant_screen.tools.fetch import Fetcher
from merchant_screen.tools.urls import registrable_domain

__all__ = ["Robots", "SiteComment", "fetch_robots", "parse_robots", "robots_comments"]

_ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks parsers to read at least 500 KiB

RobotsMode = Literal["rules", "allow_all", "disallow_all"]
_MAX_COMMENT_CHARS = 20_000


class SiteComment(BaseModel):
    """A comment the merchant wrote in its robots.txt or a sitemap: never evidence, but
    read for text addressed to automated reviewers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    source: Literal["robots", "sitemap"]
    text: str


def robots_comments(text: str) -> str:
    """The ``#`` comments of a robots.txt body, one per line (consecutive lines stay
    together, so a note spread over several comment lines reads as one block)."""
    lines: list[str] = []
    total = 0
    for line in text.splitlines():
        if "#" not in line:
            continue
        comment = line.split("#", 1)[1].strip(" #\t")
        if comment:
            lines.append(comment)
            total += len(comment)
            if total >= _MAX_COMMENT_CHARS:
                break
    return "\n".join(lines)


@dataclass(frozen=True)
class Robots:
    mode: RobotsMode
    status: int | None = None
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = ()
    reason: str = ""
    comments: str = field(default="", compare=False)
    unreachable: FetchError | None = field(default=None, compare=False)
    _parser: Protego | None = field(default=None, repr=False, compare=False)

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.mode == "allow_all":
            return True
        if self.mode == "disallow_all" or self._parser is None:
            return False
        return bool(self._parser.can_fetch(url, user_agent))

    def summary(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "status": self.status,
            "crawl_delay": self.crawl_delay,
            "sitemaps": list(self.sitemaps),
            "reason": self.reason,
        }


def parse_robots(text: str, user_agent: str, *, status: int | None = 200) -> Robots:
    """Rules from a robots.txt body (pure)."""
    parser = Protego.parse(text)
    delay = parser.crawl_delay(user_agent)
    return Robots(
        mode="rules",
        status=status,
        crawl_delay=float(delay) if delay is not None else None,
        sitemaps=tuple(dict.fromkeys(str(s) for s in parser.sitemaps)),
        comments=robots_comments(text),
        _parser=parser,
    )


async def fetch_robots(fetcher: Fetcher, root_url: str, user_agent: str) -> Robots:
    """The robots policy for the origin of ``root_url``."""
    parts = urlsplit(root_url)
    url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        # A 5xx robots.txt means "disallow everything" (RFC 9309): no point waiting on it.
        result = await fetcher.fetch(
            url,
            max_bytes=_ROBOTS_MAX_BYTES,
            site=registrable_domain(parts.hostname or ""),
            body_for="text",
            retry_status=False,
        )
    except BlockedURLError:
        raise
    except FetchError as exc:
        return Robots("disallow_all", reason=f"robots.txt unreachable: {exc}", unreachable=exc)
    status = result.status
    if result.offsite is not None:
        return Robots("allow_all", status=status, reason="robots.txt redirects off-site")
    if status is None or status >= 500 or status == 429:
        return Robots("disallow_all", status=status, reason=f"robots.txt answered {status}")
    if status >= 400:
        return Robots("allow_all", status=status, reason=f"robots.txt answered {status}")
    text = result.body.decode("utf-8", errors="replace")
    return parse_robots(text, user_agent, status=status)
