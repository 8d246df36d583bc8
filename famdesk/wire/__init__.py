"""The JSON that `famdesk serve` and the desktop's synced gateway exchange.

Shared by both sides, so that the server's OpenAPI description and the client's decoding
come from the same code: the services' frozen dataclasses travel as they are (`codec`),
requests have pydantic models with the wire's limits (`messages`), paths are named once
(`paths`), and a refused call carries its `FamdeskError` across (`errors`). Imports the
services' DTOs and pydantic; never Qt, the UI or the server.
"""
