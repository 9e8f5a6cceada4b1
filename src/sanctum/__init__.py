"""Sanctum: a self-hostable realtime social platform."""
