"""The append-only event log: schema, codec and store."""
