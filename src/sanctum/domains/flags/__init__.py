"""Feature flags: a kill switch, a percentage rollout by a stable hash of the user id, and per-user and
per-sanctum overrides, evaluated in services from an in-process snapshot (no query per check).

May import: core, db, cache, observability, and the services of accounts, audit and roles.
"""
