"""The transmission's answer (`POST paths.TRANSMIT`): NDJSON, one JSON object per line.

- `{"progress": {"step", "done", "total"}}` as each batch of the run ends (the step's label
  in French, as the local mode's `Progress` gets it);
- then one last line: `{"summary": TransmitSummary}` (as `codec` dumps it), or
  `{"error": {"code", "message", "field"}}` (the wire's `ErrorBody`) when the run failed
  after the answer had begun;
- an empty line now and then while the run is silent (sending a long outbox): it keeps a
  reverse proxy from closing the connection, and a reader skips it.

A refusal known before the answer begins (not staff, another run holds the lock) is an
ordinary error answer (403, 409) in JSON, as every other route's.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from famdesk.services.transmission import TransmitSummary
from famdesk.wire.errors import ErrorBody

NDJSON = "application/x-ndjson"


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepProgress(BaseModel):
    step: str = Field(description="the step's label, in French")
    done: int = Field(ge=0)
    total: int = Field(ge=0)


class ProgressLine(_Line):
    progress: StepProgress


class SummaryLine(_Line):
    summary: TransmitSummary


class ErrorLine(_Line):
    error: ErrorBody


TransmitLine = ProgressLine | SummaryLine | ErrorLine
"""One line of the answer: exactly one of its three keys."""


def encoded(line: _Line) -> bytes:
    """`line` as one line of NDJSON."""
    return line.model_dump_json().encode() + b"\n"


def line_schema() -> dict[str, Any]:
    """The JSON schema of one line, whole (no reference outside it), for the OpenAPI
    description of the route."""
    schema = TypeAdapter(TransmitLine).json_schema(mode="serialization")
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)  # type: ignore[no-any-return]
