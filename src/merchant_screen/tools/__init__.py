"""Deterministic tools: URL intake, SSRF guard, fetching, robots, crawling, extraction."""
