"""The request guard with the body limit of each address: the server's own (`max_body_bytes`)
everywhere, the families import's on its two routes — a CSV file of up to the import's own
limit, in base64 (`IMPORT_BODY_BYTES`). A larger file gets the guard's French 413."""

from __future__ import annotations

import re

from famdesk.server.middleware import ASGIApp, Receive, RequestGuard, Scope, Send
from famdesk.wire import paths
from famdesk.wire.messages_admin import IMPORT_BODY_BYTES


def _pattern(*templates: str) -> re.Pattern[str]:
    return re.compile("|".join(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
                               for template in templates))


IMPORT_PATHS = _pattern(paths.FAMILY_IMPORT, paths.FAMILY_IMPORT_CHECK)


class GuardByPath:
    """`RequestGuard` with `max_body_bytes`, or `IMPORT_BODY_BYTES` on the import's paths."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.usual = RequestGuard(app, max_body_bytes)
        self.imports = RequestGuard(app, max(max_body_bytes, IMPORT_BODY_BYTES))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        large = scope["type"] == "http" and IMPORT_PATHS.fullmatch(scope.get("path", ""))
        await (self.imports if large else self.usual)(scope, receive, send)
