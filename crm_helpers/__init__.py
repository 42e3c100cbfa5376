"""CRM course helpers."""
