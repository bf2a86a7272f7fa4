"""Accounts: the people who use the hub, their roles, logins and API tokens."""
