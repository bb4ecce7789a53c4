"""What a verdict's tokens cost: a price table per model, USD per million tokens.

Defaults cover common OpenAI models; ``MERCHANT_SCREEN_PRICES`` / ``--prices`` points at a JSON
file ``{"model-name": {"input": 0.15, "cached_input": 0.075, "output": 0.6}, ...}`` that
extends or overrides them. Local models cost 0. An unknown model is priced at null with a
note, never guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from merchant_screen.errors import ConfigError

__all__ = ["DEFAULT_PRICES", "Price", "cost_usd", "load_prices"]


@dataclass(frozen=True)
class Price:
    input: float
    cached_input: float
    output: float


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
    "gpt-4o": Price(2.50, 1.25, 10.00),
    "gpt-4.1": Price(2.00, 0.50, 8.00),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.025, 0.40),
    "o4-mini": Price(1.10, 0.275, 4.40),
}


def load_prices(path: Path | None) -> dict[str, Price]:
    table = dict(DEFAULT_PRICES)
    if path is None:
        return table
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for model, row in data.items():
            table[str(model)] = Price(
                float(row["input"]),
                float(row.get("cached_input", row["input"])),
                float(row["output"]),
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"price table {path} is invalid: {type(exc).__name__}: {exc}") from None
    return table


def cost_usd(
    table: dict[str, Price],
    model: str,
    *,
    local: bool,
    input_tokens: int,
    cached_tokens: int,
    output_tokens: int,
) -> float | None:
    """Cost of the tokens, or None when the model has no price in the table."""
    if local or model == "fake":
        return 0.0
    price = table.get(model)
    if price is None:
        base = next((p for name, p in table.items() if model.startswith(name + "-")), None)
        if base is None:
            return None
        price = base
    uncached = max(0, input_tokens - cached_tokens)
    total = (
        uncached * price.input + cached_tokens * price.cached_input + output_tokens * price.output
    ) / 1_000_000
    return round(total, 6)
