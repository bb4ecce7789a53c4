"""Command-line options shared by every command (``check``, ``crawl``, ``demo``, ``worker``)
and the one place that turns given flags into Settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from merchant_screen.settings import Settings

__all__ = [
    "BaseUrl",
    "CaBundle",
    "ConnectTo",
    "JsonOut",
    "MaxPages",
    "MaxToolCalls",
    "Model",
    "NoCache",
    "PolicyFile",
    "ToolProtocolOpt",
    "Verbose",
    "build_settings",
]

ConnectTo = Annotated[
    list[str] | None,
    typer.Option(
        "--connect-to",
        metavar="HOST1:PORT1:HOST2:PORT2",
        help="Route like curl (repeatable); env MERCHANT_SCREEN_CONNECT_TO (space-separated).",
    ),
]
CaBundle = Annotated[
    Path | None,
    typer.Option("--ca-bundle", help="Extra trusted CA (PEM); env MERCHANT_SCREEN_CA_BUNDLE."),
]
MaxPages = Annotated[
    int | None,
    typer.Option("--max-pages", help="HTML pages per merchant; env MERCHANT_SCREEN_MAX_PAGES."),
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the HTTP and model caches.")
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
Verbose = Annotated[
    bool, typer.Option("-v", "--verbose", help="More detail; tracebacks on errors.")
]
Model = Annotated[
    str | None,
    typer.Option(
        "--model", help="'local' (default), 'fake', or a model name; env MERCHANT_SCREEN_MODEL."
    ),
]
BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint; env MERCHANT_SCREEN_BASE_URL."),
]
PolicyFile = Annotated[
    Path | None, typer.Option("--policy", help="Policy YAML file; env MERCHANT_SCREEN_POLICY.")
]
MaxToolCalls = Annotated[
    int | None,
    typer.Option(
        "--max-tool-calls", help="Tool calls per merchant; env MERCHANT_SCREEN_MAX_TOOL_CALLS."
    ),
]
ToolProtocolOpt = Annotated[
    str | None,
    typer.Option(
        "--tool-protocol", help="auto, native or json; env MERCHANT_SCREEN_TOOL_PROTOCOL."
    ),
]


def build_settings(**flags: Any) -> Settings:
    """Environment first, then the flags the user actually gave."""
    if flags.get("connect_to") == []:
        flags["connect_to"] = None
    if flags.get("connect_to") is not None:
        flags["connect_to"] = tuple(flags["connect_to"])
    if flags.pop("no_cache", False):
        flags["cache"] = False
        flags["llm_cache"] = False
    return Settings.from_env(**flags)
