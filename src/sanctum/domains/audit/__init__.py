"""The audit log: an append-only record of every sensitive action, written in the unit of work of
the action itself (`AuditLog.record(db, ...)`), so an action and its record commit or roll back
together. No API edits or deletes a row.

Imports only infrastructure (db, core), so every domain may record into it (accounts included); the
read API, which needs authorization, is the moderation domain's.
"""
