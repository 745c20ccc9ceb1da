"""One module per measured path; each has ``run(store, size, runs) -> list[Row]``."""
