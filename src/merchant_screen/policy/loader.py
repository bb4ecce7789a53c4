"""Read a policy file (YAML, ``yaml.safe_load`` only) into a validated ``Policy``.

Every failure is a ``PolicyError`` with a one-line message; an invalid file gets one message
that lists every problem found, e.g. ``policy my.yaml is invalid: categories[3].tier: Input
should be 'prohibited' or 'restricted', got 'banned'; categories[5]: duplicate id 'gambling'``.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from merchant_screen.errors import PolicyError
from merchant_screen.policy.model import Policy, duplicate_id_problems

__all__ = ["DEFAULT_POLICY_SOURCE", "load_policy", "parse_policy"]

DEFAULT_POLICY_SOURCE = "merchant_screen/policy/default.yaml"
_MAX_PROBLEMS = 25
_SHOW_INPUT = frozenset({"literal_error", "string_pattern_mismatch", "enum"})


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path``, or the packaged default policy (read once) when ``None``."""
    if path is None:
        return _default_policy()
    return parse_policy(_read(Path(path)), source=str(path))


def parse_policy(raw: bytes, *, source: str = "<bytes>") -> Policy:
    """Parse and validate policy YAML; ``source`` names it in error messages."""
    data = _parse_yaml(raw, source)
    if not isinstance(data, dict):
        raise PolicyError(
            f"policy {source} is invalid: the top level must be a mapping, got {_kind(data)}"
        )
    try:
        return Policy.from_source(data, raw)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [_describe(err) for err in errors if not _echo(err, errors)]
        # Field errors stop pydantic before the model-level duplicate-id check runs.
        if any(err["loc"] for err in errors):
            problems.extend(_raw_duplicates(data.get("categories")))
        raise PolicyError(f"policy {source} is invalid: {_join(problems)}") from None


@functools.cache
def _default_policy() -> Policy:
    raw = resources.files("merchant_screen.policy").joinpath("default.yaml").read_bytes()
    return parse_policy(raw, source=DEFAULT_POLICY_SOURCE)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(f"policy file not found: {path}") from None
    except IsADirectoryError:
        raise PolicyError(f"policy {path} is a directory, not a file") from None
    except PermissionError:
        raise PolicyError(f"cannot read policy {path}: permission denied") from None
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror or exc}") from None


def _parse_yaml(raw: bytes, source: str) -> Any:
    try:
        return yaml.safe_load(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise PolicyError(f"policy {source} is not valid YAML: {where}{_flat(what)}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy {source} is not valid YAML: {_flat(str(exc))}") from None


def _describe(err: Any) -> str:
    where = _location(err["loc"])
    message = _flat(str(err["msg"])).removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] in _SHOW_INPUT and isinstance(value, str | int | float):
        message += f", got {value!r}"
    return f"{where}: {message}" if where else message


def _echo(err: Any, errors: list[Any]) -> bool:
    """A "too short" list error that only repeats the failure of its own items."""
    loc = err["loc"]
    return err["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors
    )


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raw_duplicates(categories: Any) -> list[str]:
    if not isinstance(categories, list):
        return []
    return duplicate_id_problems([c.get("id") if isinstance(c, dict) else None for c in categories])


def _join(problems: list[str]) -> str:
    shown = problems[:_MAX_PROBLEMS]
    rest = len(problems) - len(shown)
    return "; ".join(shown) + (f"; and {rest} more" if rest > 0 else "")


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def _flat(text: str) -> str:
    return " ".join(text.split())
