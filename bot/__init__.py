"""Composition root: settings, the `coach` command, wiring and process lifecycle."""
