"""The realtime gateway over real sockets."""
