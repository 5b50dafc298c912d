"""Project-wide HTTP middleware: body limits and response headers (settings.MIDDLEWARE)."""
