"""Search: one query over messages, posts, comments, sanctums, rooms and people (docs/search.md).

Imports infrastructure (`db`) and the services of accounts, chat and sanctums; the full-text index
is a port (index.py) with an implementation per database; registered by main.py.
"""
