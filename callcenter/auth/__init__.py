"""Accounts, roles, sessions and tokens (R28)."""
