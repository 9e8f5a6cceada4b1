"""Announcements: operators broadcast a notice to everyone online (maintenance, incidents).

Imports infrastructure (`realtime`) and the accounts service; registered into the gateway by main.py.
"""
