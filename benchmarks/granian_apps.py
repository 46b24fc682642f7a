"""ASGI targets for granian (which imports an app by name): the bare baseline."""

from benchmarks.baseline_app import build

bare = build("bare")
