"""Unit tests of the realtime gateway's parts."""
