"""Serves the built web app (frontend/dist) at `/`, with the SPA fallback to index.html.

Infrastructure: imports nothing of the domains.
"""
