"""The games Sanctum ships: Connect Four, Reversi and Pong, each a pure plugin (see ../plugin.py)."""
