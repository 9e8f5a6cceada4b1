"""Sanctums: communities with members and roles, each owning one main chat room.

Imports infrastructure (`db`, `cache`, `realtime`), the accounts service and the chat room service;
registered by main.py.
"""
