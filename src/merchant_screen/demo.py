"""``merchant-screen demo``: screen the sample sites shipped with the package, offline.

The samples (one prohibited, one restricted, one allowed; multi-page) are served over real
HTTP and HTTPS on 127.0.0.1 by the evaluation fixture server, and the real crawler, guard and
agent screen them through curl-style routes, exactly as they would screen a live site.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

from merchant_screen.api import Screener
from merchant_screen.evaluation.dataset import load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings
from merchant_screen.verdict import Verdict

__all__ = ["run_demo", "samples_dir"]


def samples_dir() -> Path:
    return Path(str(resources.files("merchant_screen") / "samples"))


async def run_demo(
    settings: Settings,
    console: Console,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    show: Callable[[Console, Verdict], None] | None = None,
) -> list[Verdict]:
    """Screen every sample site; prints each verdict as it is ready. Returns the verdicts."""
    dataset = load_dataset(samples_dir())
    verdicts = []
    with FixtureServer(dataset.host_map()) as server:
        demo_settings = settings.replace(
            connect_to=tuple(server.connect_to()), ca_bundle=server.ca_pem, host_delay=0.0
        )
        async with Screener(demo_settings) as screener:
            console.print(
                f"[bold]merchant-screen demo[/] — {len(dataset.cases)} sample merchants, "
                f"model {screener.llm.model_id}"
            )
            for case in dataset.cases:
                started = time.monotonic()
                declared = case.declared.model_dump() if case.declared else None
                verdict = await screener.screen(case.url, declared=declared, on_event=on_event)
                console.rule(
                    f"{case.url}  expected {case.expected.decision}, "
                    f"got {verdict.decision} in {time.monotonic() - started:.1f}s"
                )
                if show is not None:
                    show(console, verdict)
                verdicts.append(verdict)
    return verdicts
