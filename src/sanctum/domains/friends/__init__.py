"""Friends: requests (send, accept, decline, cancel) and friendships, one row per pair of people.

Imports infrastructure (`db`) and the accounts service; registered by main.py.
"""
