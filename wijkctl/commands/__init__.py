"""One module per command or close group; each exposes `register(app, cls)`."""
