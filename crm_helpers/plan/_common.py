"""Shared pieces of the plan package: the transaction columns every part needs."""

from __future__ import annotations

__all__: list[str] = []

_TX = ("customer_id", "receipt_id", "timestamp", "amount")
