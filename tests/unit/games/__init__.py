"""Unit tests of the game plugins and their bots (pure rules, no engine)."""
