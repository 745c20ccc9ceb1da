# Pact Ledger API. Same commands as the README: `pacts migrate`, then `pacts serve`.
# SQLite by default (data in /app/var, mount a volume there); set DATABASE_URL
# (postgresql://user:pass@host:5432/db) to run on PostgreSQL, as compose.yaml does.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PACTS_HOST=0.0.0.0 \
    PACTS_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY alembic ./alembic
COPY app ./app
# Editable: the migrations are found beside the app package (app/migrations.py).
RUN pip install -e . && useradd --create-home pacts && mkdir -p /app/var && chown pacts /app/var
USER pacts

EXPOSE 8000
# Ready, not just up: the database answers and is migrated (503 otherwise, which urlopen raises).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PACTS_PORT', '8000')}/readyz\", timeout=2)"]
# `exec`: pacts serve, not the shell, receives `docker stop`'s SIGTERM and shuts down
# gracefully: requests in flight get PACTS_SHUTDOWN_TIMEOUT (8 s), under `docker stop`'s 10 s.
CMD ["sh", "-c", "pacts migrate && exec pacts serve"]
