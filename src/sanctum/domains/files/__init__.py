"""Files: attachments of messages and posts, avatars and sanctum icons (docs/files.md).

Below chat and posts: they call this domain's service inside their own units of work; it never
imports them (who may read a message's or a post's file is asked of checkers they register).
Imports core, db, storage, settings and accounts' and sanctums' services.
"""
