"""The game engine: runs rooms for any game written as a plugin.

- `sdk.py`: the plugin SDK, the only module a game plugin imports (an import-linter contract);
- `rules.py`: pure transitions from a room's snapshot and a command to a change;
- `actor.py`: one actor per live room (inbox, load, commit, bots);
- `realtime.py`: the real-time lease, tick loop and restore points beside an actor;
- `engine.py`: the live rooms of an instance, the input bus, reconnect windows and sweeps;
- `context.py`: what actors need from the engine.

This package imports nothing itself, so a plugin importing `engine.sdk` loads nothing else.
"""
