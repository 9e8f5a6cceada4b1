"""Home: what needs the signed-in person first, read in one reader session through the other domains'
services (chat, friends, games, posts, notifications, sanctums). May import those services; nothing
imports home but the composition root."""
