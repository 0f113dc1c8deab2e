"""YAML scenarios run against the emulator over HTTP (a client like any integration).

The runner and the scenario library arrive with the scenarios issue; this package exists so the layout,
imports and packaging are settled now.
"""
