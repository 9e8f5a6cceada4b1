"""Accounts: users, passwords, sessions and tokens.

Imports infrastructure (`core`, `db`, `ratelimit`, `api`); other domains call `AccountService`.
"""
