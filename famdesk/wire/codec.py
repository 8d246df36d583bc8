"""The services' dataclasses <-> JSON, through pydantic: dates and instants in ISO 8601,
money (Decimal) as strings ("3.20"), enums as their values, tuples as arrays.

`dump(value, T)` and `load(data, T)` use one cached `TypeAdapter` per type, so the server's
answers and the client's decoding agree with the JSON schema of the OpenAPI description
(which FastAPI draws from the same types).
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter


@functools.cache
def adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def dump(value: object, kind: Any) -> bytes:
    """`value` (an instance of `kind`) as JSON bytes."""
    return adapter(kind).dump_json(value)


def load(data: bytes | str, kind: Any) -> Any:
    """JSON bytes back into `kind` (a dataclass comes back as that frozen dataclass)."""
    return adapter(kind).validate_json(data)  # type: ignore[no-any-return]


def to_jsonable(value: object, kind: Any) -> Any:
    """`value` as plain JSON data (dicts, lists, strings, numbers)."""
    return adapter(kind).dump_python(value, mode="json")
