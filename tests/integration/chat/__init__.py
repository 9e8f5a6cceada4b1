"""Chat through the API and the socket."""
