"""Read a policy file (YAML, ``yaml.safe_load`` only) into a validated ``Policy``.

Every failure is a ``PolicyError`` with a one-line message; an invalid file gets one message
that lists every problem found, e.g. ``policy my.yaml is invalid: categories[3].tier: Input
should be 'prohibited' or 'restricted', got 'banned'; categories[5]: duplicate id 'gambling'``.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from merchant_screen.errors import PolicyError
from merchant_screen.policy.model import Policy, duplicate_id_problems

__all__ = ["DEFAULT_POLICY_SOURCE", "load_policy", "parse_policy"]

DEFAULT_POLICY_SOURCE = "merchant_screen/policy/default.yaml"
# The packaged policy is about 115 KB; a policy file 17 times as large is refused unread.
MAX_POLICY_BYTES = 2_000_000
# YAML nodes once aliases are expanded, and nesting depth: the default policy has about
# 7,600 nodes and depth 6; an alias "billion laughs" is refused before it is built.
MAX_POLICY_NODES = 500_000
MAX_POLICY_DEPTH = 32
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed
_MAX_PROBLEMS = 25
_SHOW_INPUT = frozenset({"literal_error", "string_pattern_mismatch", "enum"})


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path``, or the packaged default policy (read once) when ``None``."""
    if path is None:
        return _default_policy()
    return parse_policy(_read(Path(path)), source=str(path))


def parse_policy(raw: bytes, *, source: str = "<bytes>") -> Policy:
    """Parse and validate policy YAML; ``source`` names it in error messages."""
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError(_too_large(source, len(raw)))
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


def _too_large(source: str, size: int) -> str:
    return (
        f"policy {source} is too large: {size / 1e6:.1f} MB "
        f"(at most {MAX_POLICY_BYTES / 1e6:.0f} MB)"
    )


def _read(path: Path) -> bytes:
    """The file's bytes, refusing one over ``MAX_POLICY_BYTES`` without reading it all."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_POLICY_BYTES:
                raise PolicyError(_too_large(str(path), size))
            raw = handle.read(MAX_POLICY_BYTES + 1)
    except FileNotFoundError:
        raise PolicyError(f"policy file not found: {path}") from None
    except IsADirectoryError:
        raise PolicyError(f"policy {path} is a directory, not a file") from None
    except PermissionError:
        raise PolicyError(f"cannot read policy {path}: permission denied") from None
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_POLICY_BYTES:  # a device or a file that grew while being read
        raise PolicyError(f"policy {path} is too large (over {MAX_POLICY_BYTES / 1e6:.0f} MB)")
    return raw


def _parse_yaml(raw: bytes, source: str) -> Any:
    """``yaml.safe_load``, with the node graph measured before any Python object is built."""
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        nodes, depth = _expanded_size(node)
        if nodes > MAX_POLICY_NODES:
            raise PolicyError(
                f"policy {source} is refused: its aliases expand to more than "
                f"{MAX_POLICY_NODES:,} YAML nodes"
            )
        if depth > MAX_POLICY_DEPTH:
            raise PolicyError(
                f"policy {source} is refused: nested more than {MAX_POLICY_DEPTH} levels deep"
            )
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise PolicyError(f"policy {source} is not valid YAML: {where}{_flat(what)}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy {source} is not valid YAML: {_flat(str(exc))}") from None
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """Nodes the document holds once every alias is expanded, and its depth, in time linear
    in the (unexpanded) graph: an alias is the same node object, measured once and reused."""
    sizes: dict[int, tuple[int, int]] = {}
    entered: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack[-1]
        if id(node) in sizes:
            stack.pop()
            continue
        children = _children(node)
        if id(node) not in entered:
            entered.add(id(node))
            for child in children:
                if id(child) in entered and id(child) not in sizes:
                    raise yaml.YAMLError("an alias refers to the node that contains it")
                stack.append(child)
            continue
        stack.pop()
        measured = [sizes[id(child)] for child in children]
        count = 1 + sum(n for n, _ in measured)
        depth = 1 + max((d for _, d in measured), default=0)
        sizes[id(node)] = (min(count, MAX_POLICY_NODES + 1), depth)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
