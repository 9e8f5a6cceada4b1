"""Chat: rooms (public, private, dm, group), messages, threads, reactions, mentions and read state.

Imports infrastructure (`db`, `cache`, `realtime`) and the accounts service; registered by main.py.
"""
