"""The do-nothing server `rush_floor.py` measures: one JSON answer per request, from a sync
route (a thread of the pool, as famdesk's routes), optionally after one transaction on
PostgreSQL through SQLAlchemy (`FLOOR_DATABASE_URL`)."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import Response
from sqlalchemy import create_engine, text

ANSWER = b'{"ok":true}'


def make_app() -> FastAPI:
    app = FastAPI()
    url = os.environ.get("FLOOR_DATABASE_URL")
    engine = create_engine(url, pool_size=8) if url else None

    @app.post("/call")
    def call(body: dict[str, object]) -> Response:
        if engine is not None:
            with engine.begin() as connection:
                connection.execute(text("SELECT 1")).scalar_one()
        return Response(ANSWER, media_type="application/json")

    return app
