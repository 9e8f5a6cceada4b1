"""Notification preferences: per kind (in-app, push, email digest), room and sanctum mutes, and a
do-not-disturb schedule. The notifier asks `PreferenceService.gate` once per recipient (cached).

May import core, db, cache and the notifications domain's kinds; other domains reach it through its
service, wired by services.py.
"""
