"""The HTTP edge: FastAPI app factory, routes and error handlers."""
