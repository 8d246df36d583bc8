"""famdesk: the family portal of a town's periscolaire services."""

__version__ = "0.1.0"
