"""The tools the model may call. Each is bounded and returns data or a tool error as text;
none can crash a run. Results are JSON strings (what the model reads)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from merchant_screen.agent.prompts import spotlight
from merchant_screen.agent.search import SiteIndex, split_passages
from merchant_screen.errors import BlockedURLError, ScreenError
from merchant_screen.llm.port import ToolSpec
from merchant_screen.policy.model import Policy
from merchant_screen.tools.crawl import CrawlResult, SiteCrawler
from merchant_screen.tools.urls import host_of

__all__ = ["TOOL_SPECS", "Toolbox", "domain_facts"]

READ_CHARS = 3000
SEARCH_RESULTS = 5


def _spec(name: str, description: str, properties: dict[str, Any], required: list[str]) -> ToolSpec:
    return ToolSpec(
        name,
        description,
        {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
    )


TOOL_SPECS: tuple[ToolSpec, ...] = (
    _spec(
        "search_site",
        "Find passages on the crawled pages matching a query (ranked, with URLs).",
        {"query": {"type": "string", "maxLength": 200}},
        ["query"],
    ),
    _spec(
        "read_page",
        "Read the visible text of a crawled page, in parts of about 3000 characters.",
        {"url": {"type": "string"}, "part": {"type": "integer", "minimum": 1}},
        ["url"],
    ),
    _spec(
        "fetch_page",
        "Fetch one more page of this merchant's site (same site only).",
        {"url": {"type": "string"}},
        ["url"],
    ),
    _spec(
        "policy_section",
        "Full definition, inclusions and exclusions of a policy category.",
        {"category": {"type": "string"}},
        ["category"],
    ),
    _spec(
        "domain_info", "What is known about the merchant's domain (DNS, redirects, TLS).", {}, []
    ),
)

Resolver = Callable[[str], Awaitable[list[str]]]


async def _resolve(host: str) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(loop.getaddrinfo(host, 443, type=socket.SOCK_STREAM), 5)
    return sorted({str(info[4][0]) for info in infos})


async def domain_facts(crawl: CrawlResult, resolver: Resolver = _resolve) -> dict[str, Any]:
    """What can be learned about the domain without third-party services."""
    host = host_of(crawl.final_url)
    facts: dict[str, Any] = {
        "domain": crawl.domain,
        "host": host,
        "https": crawl.final_url.startswith("https://"),
        "final_url": crawl.final_url,
        "redirected": crawl.final_url != crawl.url,
        "idn": "xn--" in host,
        "tld": crawl.domain.rsplit(".", 1)[-1],
        "outbound_domains": crawl.outbound_domains[:20],
        "payment_domains": crawl.coverage.payment_domains,
        "whois": "unavailable (no registry access from this system)",
        "mx_records": "unavailable (no DNS record-type lookups from this system)",
    }
    try:
        facts["addresses"] = await resolver(host)
    except (OSError, TimeoutError) as exc:
        facts["addresses"] = f"unavailable ({type(exc).__name__})"
    return facts


@dataclass
class Toolbox:
    """Tool execution for one run (fresh per merchant)."""

    crawl: CrawlResult
    policy: Policy
    crawler: SiteCrawler | None = None
    resolver: Resolver = _resolve
    index: SiteIndex = field(init=False)

    def __post_init__(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        passages = []
        for page in self.crawl.ok_pages():
            assert page.page is not None
            passages += split_passages(page.url, page.page.text, page.title)
        self.index = SiteIndex(passages)

    async def call(self, name: str, arguments: dict[str, Any]) -> str:
        """Run a tool; any failure is returned as {"error": ...}, never raised."""
        try:
            handler = getattr(self, f"_tool_{name}", None)
            if handler is None or name not in {s.name for s in TOOL_SPECS}:
                return _error(f"unknown tool '{name}'")
            result = await handler(**arguments)
            return json.dumps(result, ensure_ascii=False)
        except TypeError as exc:
            return _error(f"bad arguments for {name}: {exc}")
        except BlockedURLError as exc:
            return _error(f"blocked: {exc}")
        except ScreenError as exc:
            return _error(str(exc))
        except Exception as exc:
            return _error(f"{name} failed: {type(exc).__name__}")

    async def _tool_search_site(self, query: str) -> dict[str, Any]:
        hits = self.index.search(str(query)[:200], SEARCH_RESULTS)
        return {
            "query": query,
            "results": [
                {"url": p.url, "score": score, "text": spotlight(p.url, p.text)}
                for p, score in hits
            ],
        }

    async def _tool_read_page(self, url: str, part: int = 1) -> dict[str, Any]:
        page = self.crawl.page_for(str(url))
        if page is None or page.page is None:
            return {"error": f"{url} was not fetched; call fetch_page first or pick a listed URL"}
        text = page.page.text
        parts = max(1, -(-len(text) // READ_CHARS))
        part = min(max(1, int(part)), parts)
        chunk = text[(part - 1) * READ_CHARS : part * READ_CHARS]
        return {
            "url": page.url,
            "title": page.title,
            "state": page.state,
            "part": part,
            "parts": parts,
            "text": spotlight(page.url, chunk),
        }

    async def _tool_fetch_page(self, url: str) -> dict[str, Any]:
        if self.crawler is None:
            return {"error": "fetching is not available in this run"}
        page = await self.crawler.fetch_more(str(url))
        self.crawl = self.crawler.result()
        self.rebuild()
        if page.page is None:
            return {
                "url": page.url,
                "status": page.status,
                "state": page.state,
                "error": page.error or page.state_reason,
            }
        return {
            "url": page.url,
            "status": page.status,
            "state": page.state,
            "title": page.title,
            "text": spotlight(page.url, page.page.text[:READ_CHARS]),
        }

    async def _tool_policy_section(self, category: str) -> dict[str, Any]:
        try:
            cat = self.policy.category(str(category))
        except KeyError:
            return {"error": f"unknown category '{category}'; known: {', '.join(self.policy.ids)}"}
        return {
            "id": cat.id,
            "name": cat.name,
            "definition": cat.definition,
            "includes": list(cat.includes),
            "not_a_violation_if": list(cat.excludes),
            "required_evidence": cat.required_evidence,
        }

    async def _tool_domain_info(self) -> dict[str, Any]:
        return await domain_facts(self.crawl, self.resolver)


def _error(message: str) -> str:
    return json.dumps({"error": message})
