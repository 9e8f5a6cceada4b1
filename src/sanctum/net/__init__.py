"""Outbound network access: the one guarded HTTP client every fetch of a user-given URL goes through.

Infrastructure: imports only the standard library, httpx and `core`; never a domain. Rules in
docs/previews.md ("What the fetcher refuses").
"""
