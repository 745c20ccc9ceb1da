"""Logs and metrics: what operators read (JSON lines on stderr, Prometheus text on /metrics)."""
