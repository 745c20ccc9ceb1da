"""Pact Ledger: the system of record for emulation pacts (giao ước thi đua)."""
