"""The ``merchant-screen`` command line: a thin Typer layer over the library.

Exit codes: 0 success; 1 internal error; 2 bad usage, configuration or input; 3 the URL was
refused by the guard (``blocked: ...``); 4 the site could not be crawled; 5 the language
model failed. Errors are one line on stderr, never a traceback (``-v`` shows one).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from merchant_screen.cli_options import (
    BaseUrl,
    CaBundle,
    ConnectTo,
    JsonOut,
    MaxPages,
    MaxToolCalls,
    Model,
    NoCache,
    PolicyFile,
    ToolProtocolOpt,
    Verbose,
    build_settings,
)
from merchant_screen.errors import BlockedURLError, ScreenError

__all__ = ["app", "main"]

app = typer.Typer(
    name="merchant-screen",
    help="Screen a merchant's website against a prohibited / restricted-business policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True, highlight=False)


def _stdout() -> Console:
    """Readable output; when piped, wide enough that URLs are not folded."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


@app.command()
def crawl(
    url: Annotated[str, typer.Argument(help="Merchant URL (http or https).")],
    json_out: JsonOut = False,
    max_pages: MaxPages = None,
    connect_to: ConnectTo = None,
    ca_bundle: CaBundle = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Crawl a merchant site and show the pages and coverage (no model involved)."""
    from merchant_screen.tools.crawl import crawl_site
    from merchant_screen.views import crawl_json, print_crawl

    settings = build_settings(
        max_pages=max_pages,
        connect_to=connect_to,
        ca_bundle=ca_bundle,
        no_cache=no_cache,
        verbose=verbose or None,
    )
    result = run_async(crawl_site(url, settings))
    if json_out:
        sys.stdout.write(json.dumps(crawl_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        print_crawl(_stdout(), result)
    if result.homepage_error:
        stderr.print(f"error: {result.homepage_error}", markup=False)
        raise typer.Exit(4)


@app.command()
def check(
    url: Annotated[str, typer.Argument(help="Merchant URL (http or https).")],
    json_out: JsonOut = False,
    model: Model = None,
    base_url: BaseUrl = None,
    policy: PolicyFile = None,
    declared: Annotated[
        str | None, typer.Option("--declared", help="What the merchant declared it sells.")
    ] = None,
    max_pages: MaxPages = None,
    max_tool_calls: MaxToolCalls = None,
    tool_protocol: ToolProtocolOpt = None,
    connect_to: ConnectTo = None,
    ca_bundle: CaBundle = None,
    no_cache: NoCache = False,
    trace: Annotated[
        Path | None, typer.Option("--trace", help="Write every step as JSONL to FILE.")
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Screen one merchant and print the verdict (readable, or JSON with --json)."""
    from merchant_screen.api import Screener
    from merchant_screen.views import print_verdict, progress_printer

    settings = build_settings(
        model=model,
        base_url=base_url,
        policy=policy,
        max_pages=max_pages,
        max_tool_calls=max_tool_calls,
        tool_protocol=tool_protocol,
        connect_to=connect_to,
        ca_bundle=ca_bundle,
        no_cache=no_cache,
        verbose=verbose or None,
    )

    async def run() -> Any:
        async with Screener(settings) as screener:
            return await screener.screen(
                url,
                declared=declared,
                trace_path=trace,
                on_event=progress_printer(stderr, verbose=verbose),
            )

    verdict = run_async(run())
    if json_out:
        sys.stdout.write(verdict.model_dump_json(indent=2) + "\n")
    else:
        print_verdict(_stdout(), verdict)


@app.command()
def demo(
    model: Model = None,
    base_url: BaseUrl = None,
    verbose: Verbose = False,
) -> None:
    """Screen the bundled sample merchants offline with the embedded model (no key needed)."""
    import time

    from merchant_screen.demo import run_demo
    from merchant_screen.views import print_verdict, progress_printer

    settings = build_settings(model=model, base_url=base_url, verbose=verbose or None)
    started = time.monotonic()
    out = _stdout()
    verdicts = run_async(
        run_demo(settings, out, progress_printer(stderr, verbose=verbose), print_verdict)
    )
    out.rule()
    out.print(
        f"{len(verdicts)} merchants screened in {time.monotonic() - started:.0f}s: "
        + ", ".join(f"{v.domain} {v.decision}/{v.action}" for v in verdicts),
        markup=False,
    )


def _register_subcommands() -> None:
    from merchant_screen.evaluation.cli import calibrate_command, eval_app
    from merchant_screen.queue.cli import batch_app, worker_command
    from merchant_screen.scoring.cli import train_command

    app.add_typer(eval_app, name="eval")
    app.command("calibrate")(calibrate_command)
    app.command("train")(train_command)
    app.add_typer(batch_app, name="batch")
    app.command("worker")(worker_command)


_register_subcommands()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: maps ScreenError to one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    try:
        code = app(args=args, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except ScreenError as exc:
        if verbose:
            stderr.print_exception()
        prefix = "blocked" if isinstance(exc, BlockedURLError) else "error"
        stderr.print(f"{prefix}: {exc}", markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        stderr.print("error: aborted", markup=False)
        sys.exit(130)
    except KeyboardInterrupt:
        stderr.print("error: interrupted", markup=False)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: typer prints its own short message
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            stderr.print(f"error: {exc.format_message()}", markup=False)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if verbose:
            stderr.print_exception()
        stderr.print(
            f"error: internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
