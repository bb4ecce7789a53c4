"""The screening graph: crawl -> find_signals -> (assess <-> run_tools | adjudicate -> score)
-> verify -> decide -> calibrate."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph

from merchant_screen.agent import nodes
from merchant_screen.agent.adjudicate import adjudicate, score
from merchant_screen.agent.state import RunContext, ScreenState

__all__ = ["build_graph"]


@cache
def build_graph() -> Any:
    """Compiled once per process; all per-run data travels in state and context."""
    graph = StateGraph(ScreenState, context_schema=RunContext)
    graph.add_node("crawl", nodes.crawl)
    graph.add_node("find_signals", nodes.find_signals)
    graph.add_node("assess", nodes.assess)
    graph.add_node("run_tools", nodes.run_tools)
    graph.add_node("adjudicate", adjudicate)
    graph.add_node("score", score)
    graph.add_node("verify", nodes.verify)
    graph.add_node("decide", nodes.decide_verdict)
    graph.add_node("calibrate", nodes.calibrate)
    graph.add_edge(START, "crawl")
    graph.add_edge("crawl", "find_signals")
    graph.add_conditional_edges(
        "find_signals", nodes.route_after_signals, ["assess", "adjudicate", "decide"]
    )
    graph.add_conditional_edges(
        "assess", nodes.route_after_assess, ["run_tools", "assess", "verify"]
    )
    graph.add_edge("run_tools", "assess")
    graph.add_edge("adjudicate", "score")
    graph.add_edge("score", "verify")
    graph.add_conditional_edges("verify", nodes.route_after_verify, ["assess", "decide"])
    graph.add_edge("decide", "calibrate")
    graph.add_edge("calibrate", END)
    return graph.compile()
