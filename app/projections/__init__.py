"""Read models (CQRS): tables kept current from the log, rebuilt by replaying it."""
