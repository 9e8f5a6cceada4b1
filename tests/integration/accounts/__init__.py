"""Accounts and sessions through the API."""
