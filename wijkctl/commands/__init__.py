"""One module per command or close group; each lists its commands in `COMMANDS`."""
