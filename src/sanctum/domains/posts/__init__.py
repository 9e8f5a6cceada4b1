"""Posts: posts in a sanctum or on a profile, comments with one level of replies, likes, live counters
on `post:{id}`, and the feeds (home, sanctum, profile) with versioned-key caching.

Imports infrastructure (`db`, `cache`, `realtime`) and the accounts, sanctums and friends services;
registered by main.py.
"""
