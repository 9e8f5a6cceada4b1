"""Data export: a user's archive (profile, messages, posts, comments, friends, game history) as JSON
files in a zip, built by a background job, kept in chunks, downloadable once within 24 hours.

May import core, db, jobs and the other domains' services (their `export_*` reads take the session).
"""
