from __future__ import annotations

import base64
import re
from pathlib import Path

from merchant_screen.evaluation import plots
from merchant_screen.evaluation.metrics import compute_metrics
from merchant_screen.evaluation.report import write_report
from merchant_screen.evaluation.results import ResultRow
from tests.evaluation.factories import make_row

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def rows() -> list[ResultRow]:
    return [
        make_row(
            "knife-shop", "allowed", "allowed", tags=["hard_negative"], confidence=0.8,
            usage={"input_tokens": 900, "output_tokens": 40, "llm_calls": 2}, latency_s=3.0,
        ),
        make_row(
            "ammo-shop", "prohibited", "prohibited", expected_categories=("weapons",),
            categories=("weapons",), in_crawl=(True,), page_cited=(True,), confidence=0.9,
            shown_quotes=1, cited_quotes=1, latency_s=5.0,
        ),
        make_row("parked", "unknown", None, confidence=None),
    ]  # fmt: skip


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_plots_are_valid_pngs() -> None:
    m = compute_metrics(rows())
    images = [
        plots.confusion_png(m.confusion),
        plots.reliability_png(m.reliability, m.ece.value),
        plots.categories_png(m.categories),
        plots.cost_png(rows()),
    ]
    for data in images:
        width, height = png_size(data)
        assert width > 200 and height > 200
        assert data.endswith(b"IEND\xaeB`\x82")
    assert plots.confusion_png(m.confusion) == images[0]  # deterministic bytes


def test_write_report(tmp_path: Path) -> None:
    meta = {"dataset_name": "smoke", "strategy": "agent", "model": "fake<b>", "config": "abc"}
    metrics = write_report(tmp_path, rows(), meta, categories=("weapons", "gambling"))
    assert metrics.cases == 3
    md = (tmp_path / "report.md").read_text()
    assert md.startswith("# Evaluation: smoke / agent / fake<b>")
    assert "| decision accuracy | 0.667 |" in md
    assert "| crawl recall (labelled quotes crawled) | 1.000 |" in md
    assert "| weapons | 1 | 1 | 1 | 0 | 0 | 1.00 | 1.00 | 1.00 |" in md
    assert "| gambling | 0 | 0 | 0 | 0 | 0 | - | - | - |" in md
    assert "| parked | test |  | unknown | error | no |" in md
    for name in ("confusion.png", "reliability.png", "categories.png", "cost.png"):
        assert f"]({name})" in md
        png_size((tmp_path / name).read_bytes())

    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4
    for encoded in images:
        png_size(base64.b64decode(encoded))
    # Self-contained: nothing is loaded from elsewhere.
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "fake&lt;b&gt;" in page and "fake<b>" not in page  # text is escaped
