"""Invites: links that let whoever holds them into a sanctum or a private room.

Imports infrastructure (`db`, `ratelimit`) and the accounts, sanctums and chat services, through which
it reads and adds members in its own unit of work; registered by main.py.
"""
