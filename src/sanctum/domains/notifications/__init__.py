"""Notifications: the per-user realtime topic and presence.

Imports infrastructure (`realtime`) and other domains' services; registered into the gateway by main.py.
"""
