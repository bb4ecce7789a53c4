"""The ``merchant-screen`` command line: a thin Typer layer over the library.

Exit codes: 0 success; 1 internal error; 2 bad usage, configuration or input; 3 the URL was
refused by the guard (``blocked: ...``); 4 the site could not be crawled; 5 the language
model failed. Errors are one line on stderr, never a traceback (``-v`` shows one).
"""

from __future__ import annotations

import asyncio
import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any, NoReturn

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
from merchant_screen.storage import check_storage, os_reason, writing_stdout

__all__ = ["app", "main"]

app = typer.Typer(
    name="merchant-screen",
    help="Screen a merchant's website against a prohibited / restricted-business policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"merchant-screen {version('merchant-screen')}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Screen a merchant's website against a prohibited / restricted-business policy."""


# emoji=False: merchant text such as ":gun:" is shown as written, never as an emoji.
stderr = Console(stderr=True, highlight=False, emoji=False)


def _stdout() -> Console:
    """Readable output; when piped, wide enough that URLs are not folded."""
    return Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else 160)


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
    check_storage(settings, snapshots=False)
    result = run_async(crawl_site(url, settings))
    with writing_stdout():
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

    progress = progress_printer(stderr, verbose=verbose)

    def on_event(event: dict[str, Any]) -> None:
        progress(event)
        if event.get("event") == "warning":  # e.g. a snapshot not saved: the verdict stands
            stderr.print(f"warning: {event['message']}", markup=False, soft_wrap=True)

    async def run() -> Any:
        async with Screener(settings) as screener:
            return await screener.screen(
                url, declared=declared, trace_path=trace, on_event=on_event
            )

    verdict = run_async(run())
    with writing_stdout():
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


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    stderr.print(f"warning: {message}", markup=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: maps ScreenError to one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    warnings.showwarning = _show_warning  # one line each, e.g. a mistyped MERCHANT_SCREEN_*
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
    except OSError as exc:
        if verbose:
            stderr.print_exception()
        if exc.filename is None:  # not about a local file: a bug, reported as one
            _internal_error(exc)
        # A file or directory the operator must fix (permissions, a full or read-only disk).
        stderr.print(
            f"error: cannot use {exc.filename}: {os_reason(exc)}", markup=False, soft_wrap=True
        )
        sys.exit(2)
    except Exception as exc:
        if verbose:
            stderr.print_exception()
        _internal_error(exc)


def _internal_error(exc: BaseException) -> NoReturn:
    stderr.print(
        f"error: internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True
    )
    sys.exit(1)


if __name__ == "__main__":
    main()
