"""Prompt files (``merchant_screen/prompts/*.md``) rendered with ``string.Template``.

A missing variable raises (``Template.substitute``); the hash of all prompt files is the
prompts version stamped on every verdict and mixed into LLM cache keys.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from string import Template

__all__ = ["PAGE_CLOSE", "PAGE_OPEN", "prompts_version", "render", "spotlight"]

PAGE_OPEN = "«PAGE"
PAGE_CLOSE = "«END PAGE»"


@cache
def _files() -> dict[str, str]:
    root = resources.files("merchant_screen") / "prompts"
    return {
        entry.name.removesuffix(".md"): entry.read_text(encoding="utf-8")
        for entry in root.iterdir()
        if entry.name.endswith(".md")
    }


def render(name: str, /, **variables: object) -> str:
    """The prompt ``name`` with every ``$variable`` filled; KeyError names a missing one."""
    try:
        template = _files()[name]
    except KeyError:
        raise KeyError(f"no prompt file named {name}.md") from None
    return Template(template).substitute({k: str(v) for k, v in variables.items()}).strip()


@cache
def prompts_version() -> str:
    digest = hashlib.sha256()
    for name, text in sorted(_files().items()):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def spotlight(url: str, text: str) -> str:
    """Page text inside delimiters the text itself cannot forge (markers are neutralised)."""
    safe = text.replace("«", "‹").replace("»", "›")
    return f"{PAGE_OPEN} {url}»\n{safe}\n{PAGE_CLOSE}"
