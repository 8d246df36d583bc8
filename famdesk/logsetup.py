"""Logging, configured once at start-up: a rotating file, and the console when there is one."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from famdesk.config import log_directory

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured_path: Path | None = None


def configure_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    """Set up the root logger; returns the log file's path. Safe to call twice."""
    global _configured_path
    if _configured_path is not None:
        return _configured_path
    folder = directory or log_directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "famdesk.log"
    root = logging.getLogger()
    root.setLevel(level)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(file_handler)
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
    _configured_path = path
    return path


def log_path() -> Path | None:
    return _configured_path
