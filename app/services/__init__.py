"""The service layer: a unit of work per command, and the command handlers."""
