"""`famdesk serve`: the core's services over HTTP (FastAPI on uvicorn), for desks and kiosks
sharing one PostgreSQL database. Imports the services and the wire, never Qt or the UI."""
