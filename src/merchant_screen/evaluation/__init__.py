"""Evaluation: labelled datasets, the fixture server that serves them, runners and metrics."""
