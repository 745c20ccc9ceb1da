"""The JSON API under /api/v1: thin routes over the message bus and the read models."""
