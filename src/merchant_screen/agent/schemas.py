"""Shapes the model must answer in (structured output). Short fields, capped lists: small
models follow tight schemas far better than loose ones."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AssessmentOut",
    "FindingOut",
    "NextAction",
    "QuoteOut",
    "with_category_enum",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class QuoteOut(_Out):
    url: str = Field(max_length=400, description="exact URL of a fetched page")
    quote: str = Field(max_length=600, description="text copied exactly from that page")


class FindingOut(_Out):
    category: str = Field(max_length=60, description="a policy category id")
    confidence: float = Field(0.5, ge=0, le=1)
    rationale: str = Field("", max_length=600)
    quotes: list[QuoteOut] = Field(default_factory=list, max_length=4)


class AssessmentOut(_Out):
    business_summary: str = Field("", max_length=600)
    findings: list[FindingOut] = Field(default_factory=list, max_length=10)


class NextAction(_Out):
    """One step of the JSON tool protocol (for endpoints without native tool calls)."""

    action: Literal[
        "search_site", "read_page", "fetch_page", "policy_section", "domain_info", "finish"
    ]
    query: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=400)
    part: int | None = Field(None, ge=1)
    category: str | None = Field(None, max_length=60)
    assessment: AssessmentOut | None = None

    def arguments(self) -> dict[str, Any]:
        fields = {
            "search_site": ("query",),
            "read_page": ("url", "part"),
            "fetch_page": ("url",),
            "policy_section": ("category",),
            "domain_info": (),
        }[self.action]
        return {k: getattr(self, k) for k in fields if getattr(self, k) is not None}


def with_category_enum(schema: dict[str, Any], ids: tuple[str, ...]) -> dict[str, Any]:
    """Constrain every ``category`` property in a JSON schema to the policy's ids."""
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                props = {k: with_category_enum(v, ids) for k, v in value.items()}
                if "category" in props and isinstance(props["category"], dict):
                    cat = dict(props["category"])
                    cat.pop("maxLength", None)
                    cat["enum"] = list(ids)
                    if cat.get("type") != "string":
                        cat.pop("anyOf", None)
                        cat["type"] = "string"
                    props["category"] = cat
                out[key] = props
            else:
                out[key] = with_category_enum(value, ids) if isinstance(value, dict) else value
        return out
    return schema
