# Pact Ledger API. Same commands as the README: `pacts migrate`, then `pacts serve`.
# SQLite by default (data in /app/var, mount a volume there); set DATABASE_URL
# (postgresql://user:pass@host:5432/db) to run on PostgreSQL.
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
RUN pip install -e . && useradd --create-home pacts && mkdir -p /app/var && chown pacts /app/var
USER pacts

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "pacts migrate && pacts serve"]
