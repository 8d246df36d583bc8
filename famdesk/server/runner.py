"""Starting `famdesk serve`: check the database address, migrate once, start the nightly
scheduler if asked, then uvicorn (one process, or N workers behind it).

The server works on PostgreSQL only: the synced mode exists for several PCs on one set of
data, and a SQLite file stays on the PC that opens it (design.md section 11); a one-PC town
runs `famdesk` on its own SQLite file with no server. Tests build the app on any database
with `create_app`.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from famdesk.config import ENV_DATABASE_URL, resolve_database
from famdesk.errors import ValidationError
from famdesk.i18n import _

log = logging.getLogger(__name__)

FACTORY = "famdesk.server.app:app_from_environment"


@dataclass(frozen=True)
class ServeOptions:
    database: str | None
    host: str = "127.0.0.1"
    port: int = 8765
    workers: int = 1
    certfile: Path | None = None
    keyfile: Path | None = None
    transmit_at: time | None = None


def check_options(options: ServeOptions) -> None:
    """Refuse what cannot work, with the French reason, before anything starts."""
    target = resolve_database(options.database)
    if not target.is_postgresql:
        raise ValidationError(_(
            "famdesk serve works on a PostgreSQL database (postgresql+psycopg://...): a SQLite "
            "file stays on the computer that opens it, run famdesk there without a server."))
    if (options.certfile is None) != (options.keyfile is None):
        raise ValidationError(_("Give both --certfile and --keyfile, or neither."))
    for path in (options.certfile, options.keyfile):
        if path is not None and not path.is_file():
            raise ValidationError(_("The file {path} does not exist.").format(path=path))
    if not 1 <= options.workers <= 64:
        raise ValidationError(_("--workers is between 1 and 64."))


def serve(options: ServeOptions) -> int:
    check_options(options)
    try:
        import uvicorn
    except ImportError:
        raise ValidationError(_(
            "famdesk serve needs its server part: pip install \"famdesk[server]\".")) from None

    from famdesk.bootstrap import open_context
    from famdesk.server.app import create_app
    from famdesk.server.scheduler import NightlyScheduler

    console_log()
    ctx = open_context(options.database, upgrade=True)  # migrated once, before any worker
    scheduler = NightlyScheduler(ctx, options.transmit_at).start() if options.transmit_at else None
    common: dict[str, Any] = dict(host=options.host, port=options.port, access_log=False,
                                  log_config=None, server_header=False, proxy_headers=True)
    if options.certfile is not None:
        common.update(ssl_certfile=str(options.certfile), ssl_keyfile=str(options.keyfile))
    try:
        if options.workers == 1:
            uvicorn.run(create_app(ctx), **common)
        else:
            if options.database:
                os.environ[ENV_DATABASE_URL] = options.database
            uvicorn.run(FACTORY, factory=True, workers=options.workers, **common)
    finally:
        if scheduler is not None:
            scheduler.stop()
        ctx.close()
    return 0


def console_log() -> None:
    """The server's own lines (one per request, start and stop) on the console too."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("famdesk.server", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
