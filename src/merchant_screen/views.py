"""Human-readable and JSON renderings of crawl results and verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from merchant_screen.tools.crawl import CrawlResult
from merchant_screen.verdict import HiddenPassage

__all__ = ["crawl_json", "print_crawl"]

_PAGE_FIELDS = (
    "url",
    "status",
    "state",
    "bytes",
    "title",
    "kind",
    "depth",
    "content_type",
    "fetched_at",
    "sha256",
    "language",
    "truncated",
    "duplicate_of",
    "from_cache",
    "elapsed_ms",
    "error",
    "redirected_to",
    "requested_url",
    "state_reason",
)


def crawl_json(result: CrawlResult) -> dict[str, Any]:
    """The ``crawl --json`` document: url, pages (status is the integer HTTP code), coverage."""
    data = result.model_dump(mode="json")
    data["pages"] = [{k: page.get(k) for k in _PAGE_FIELDS} for page in data["pages"]]
    return data


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def print_crawl(console: Console, result: CrawlResult) -> None:
    table = Table(title=f"{result.url}  ({result.domain})", title_justify="left", expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("url", overflow="fold", max_width=70)
    table.add_column("status", justify="right")
    table.add_column("state")
    table.add_column("bytes", justify="right")
    table.add_column("title", overflow="ellipsis", max_width=40, no_wrap=True)
    for i, page in enumerate(result.pages, 1):
        state = page.state if page.duplicate_of is None else f"{page.state} (dup)"
        style = "" if page.state in ("ok", "age_gate") else "yellow"
        table.add_row(
            str(i),
            page.url,
            str(page.status) if page.status is not None else "-",
            f"[{style}]{state}[/]" if style else state,
            _size(page.bytes),
            page.title or page.error or "",
        )
    console.print(table)
    cov = result.coverage
    found = [k for k, v in cov.evidence_kinds.items() if v]
    missing = [k for k, v in cov.evidence_kinds.items() if not v]
    lines = [
        f"assessable: {'yes' if cov.assessable else 'no — ' + cov.reason}",
        f"pages: {result.fetched} fetched, {cov.ok_pages} readable, {result.skipped} skipped, "
        f"{result.blocked} blocked; {_size(result.bytes_total)} in {result.crawl_s:.1f}s"
        + (f"; stopped by the {result.budget_exhausted} budget" if result.budget_exhausted else ""),
        f"found: {', '.join(found) or 'nothing'}",
        f"not found: {', '.join(missing) or '-'}",
        f"language: {', '.join(cov.languages) or 'unknown'}; platform: {cov.platform or 'unknown'}",
        f"robots.txt: {result.robots.get('mode')} {result.robots.get('reason') or ''}".rstrip(),
    ]
    if cov.payment_domains:
        lines.append(f"sells or takes payment on: {', '.join(cov.payment_domains)}")
    if cov.outbound_domains:
        lines.append(f"outbound domains: {', '.join(cov.outbound_domains[:12])}")
    for line in lines:
        console.print(line, markup=False, highlight=False)


_DECISION_STYLE = {
    "prohibited": "bold red",
    "restricted": "bold yellow",
    "allowed": "bold green",
    "unknown": "bold magenta",
}
_ACTION_STYLE = {"reject": "red", "review": "yellow", "approve": "green"}


def progress_printer(console: Console, *, verbose: bool) -> Any:
    """A trace listener printing one short line per milestone on stderr."""

    def show(event: dict[str, Any]) -> None:
        kind = event.get("event")
        line = None
        if kind == "start":
            line = f"screening {event['url']} with model {event['model']} ({event['mode']} mode)"
        elif kind == "crawled":
            line = f"crawled {event['fetched']} pages in {event['seconds']:.1f}s"
        elif kind == "signals" and event.get("candidates"):
            top = ", ".join(list(event["candidates"])[:4])
            line = f"lexicon candidates: {top}"
        elif kind == "llm_call" and verbose:
            line = (
                f"llm {event['purpose']}: {event['input_tokens']} in / "
                f"{event['output_tokens']} out, {event['seconds']:.1f}s"
            )
        elif kind == "tool_call" and verbose:
            line = f"tool {event['tool']}({event['arguments']}) -> {event['result_chars']} chars"
        elif kind == "reask":
            line = f"re-asking the model about {event['failures']} unverified quote(s)"
        if line:
            console.print(f"[dim]{escape(line)}[/]", highlight=False)  # the URL is input

    return show


def _print_hidden_policy(console: Console, passages: Sequence[HiddenPassage]) -> None:
    """Hidden passages that read as a policy category: shown as hidden, never as evidence."""
    console.print(
        "\n[bold]Hidden policy text[/] (not shown to visitors; sent to review, not evidence)"
    )
    for h in passages:
        console.print(
            f"  ? {h.category} ({h.tier}), hidden by {h.reason}: {', '.join(h.terms)}",
            markup=False,
        )
        console.print(f"    [hidden] “{h.text}”", markup=False)
        console.print(f"      — {h.url}", style="dim", markup=False)


def print_verdict(console: Console, v: Any) -> None:
    """The analyst's report: decision first, then why, then the proof."""
    d_style = _DECISION_STYLE.get(v.decision, "bold")
    a_style = _ACTION_STYLE.get(v.action, "")
    console.print(f"[bold]{escape(v.url)}[/]  ({escape(v.domain)})")
    console.print(
        f"decision: [{d_style}]{v.decision.upper()}[/]   action: [{a_style}]{v.action}[/]"
        f"   confidence: {v.confidence:.2f}"
    )
    if v.business.summary:
        console.print(f"business: {v.business.summary}", markup=False)
    if v.business.declared:
        console.print(
            f"declared: {v.business.declared.name or ''} "
            f"{v.business.declared.description}".rstrip(),
            markup=False,
        )
    if v.reasons:
        console.print("\n[bold]Why[/]")
        for reason in v.reasons:
            console.print(f"  • {reason}", markup=False)
    if v.findings:
        console.print("\n[bold]Findings[/]")
        for f in v.findings:
            style = "red" if f.tier == "prohibited" else "yellow"
            console.print(
                f"  [{style}]{f.category}[/] ({f.tier}, {f.name}) confidence {f.confidence:.2f}"
            )
            if f.rationale:
                console.print(f"    {f.rationale}", markup=False)
            for e in f.evidence:
                console.print(f"    “{e.quote}”", markup=False)
                console.print(f"      — {e.url}", style="dim", markup=False)
    s = v.signals
    flags = []
    if s.injection_attempt:
        flags.append(
            f"injection attempt ({len(s.injection)}): "
            + "; ".join(f"{i.where} “{i.text[:80]}”" for i in s.injection[:2])
        )
    if s.hidden_text:
        flags.append(f"hidden text on {len({h.url for h in s.hidden_text_samples})} page(s)")
    if s.declared_mismatch:
        flags.append(f"declared mismatch: {s.declared_mismatch_reason}")
    if s.offsite_sales:
        flags.append(f"sells/takes payment on: {', '.join(s.offsite_sales)}")
    if s.unsupported_language:
        flags.append(f"language not covered by the lexicon: {s.unsupported_language}")
    if s.partial:
        flags.append(f"PARTIAL: {s.partial_reason}")
    if flags:
        console.print("\n[bold]Signals[/]")
        for flag in flags:
            console.print(f"  ! {flag}", markup=False)
    if s.hidden_policy_text:
        _print_hidden_policy(console, s.hidden_policy_text)
    if s.hidden_offers:
        console.print("\n[bold]Hidden offers[/] (a price and a buy button no visitor sees)")
        for h in s.hidden_offers:
            console.print(f"    [hidden by {h.reason}] “{h.text}”", markup=False)
            console.print(f"      — {h.url}", style="dim", markup=False)
    if v.rejected_evidence:
        console.print(f"\n[bold]Rejected evidence[/] ({len(v.rejected_evidence)}, not used)")
        for r in v.rejected_evidence[:5]:
            console.print(f"  ✗ “{r.quote[:100]}” — {r.reason}", markup=False)
    cov = v.crawl.coverage
    seen = [k for k, ok in (cov.get("evidence_kinds") or {}).items() if ok]
    console.print("\n[bold]Crawl[/]")
    console.print(
        f"  {v.crawl.fetched} pages fetched, {cov.get('ok_pages', 0)} readable, "
        f"{v.crawl.skipped} skipped, {v.crawl.blocked} blocked; saw: "
        f"{', '.join(seen) or 'nothing'}",
        markup=False,
    )
    if not cov.get("assessable", True):
        console.print(f"  not assessable: {cov.get('reason')}", markup=False)
    u = v.usage
    console.print("\n[bold]Cost and provenance[/]")
    console.print(
        f"  {u.llm_calls} LLM calls ({u.cached_calls} cached), {u.input_tokens} in / "
        f"{u.output_tokens} out tokens, {u.tool_calls} tool calls, "
        f"${u.cost_usd:.4f}, model {v.versions.model}",
        markup=False,
    )
    console.print(
        f"  {v.timings.total_s:.1f}s total (crawl {v.timings.crawl_s:.1f}s, "
        f"model {v.timings.llm_s:.1f}s); policy {v.versions.policy}, prompts "
        f"{v.versions.prompts}, run {v.run_id}",
        markup=False,
    )
