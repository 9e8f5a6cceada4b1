"""Games: an engine that runs rooms for any game written as a plugin (see plugin.py and docs/games.md)."""
