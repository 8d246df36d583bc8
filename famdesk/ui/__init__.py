"""The PySide6 user interface: windows, Qt item models, delegates, theme and the async runner.

Widgets talk to the core only through a `Gateway` (see `gateway.py`) and receive frozen
dataclasses; they submit coroutines to a `Runner` and never block the event loop.
"""
