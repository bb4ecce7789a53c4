"""The screening agent: signals, LangGraph nodes, evidence verification, decision."""
