"""Scenario runner: not built yet. It will load YAML scenarios and drive the HTTP API step by step."""

from __future__ import annotations


def run(path: str) -> None:
    """Run one scenario file. Refuses plainly instead of pretending to run anything."""
    raise NotImplementedError(f"scenario runner not implemented yet; cannot run {path}")
