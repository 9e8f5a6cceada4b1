"""The named permissions and the built-in roles that hold them.

A role is a name and a set of permissions. Built-in roles are fixed (they are the same in every
sanctum, so checking one costs a dict lookup); custom roles are rows of `sanctum_roles`, made by a
sanctum's owner or admins. Assignments live where membership already is: a person's role in a
sanctum is `sanctum_members.role` (mirrored into the rows of its rooms, `room_members.role`), their
site role is `users.site_role`. So the membership read every access check already does also yields
the role, and authorization adds no query for built-in roles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Permission(StrEnum):
    MESSAGE_PIN = "message.pin"
    MESSAGE_DELETE = "message.delete"  # others' messages
    USER_MUTE = "user.mute"
    USER_BAN = "user.ban"  # from a sanctum
    POST_DELETE = "post.delete"  # others' posts and comments
    REPORT_REVIEW = "report.review"
    ROLE_MANAGE = "role.manage"
    ROOM_MANAGE = "room.manage"
    SANCTUM_MANAGE = "sanctum.manage"
    EMOJI_MANAGE = "emoji.manage"  # a sanctum's custom emoji
    AUDIT_READ = "audit.read"
    SITE_ADMIN = "site.admin"


P = Permission
ALL: frozenset[Permission] = frozenset(Permission)
# What a sanctum role may hold: everything but running the site.
SANCTUM_GRANTABLE: frozenset[Permission] = ALL - {P.SITE_ADMIN}
MODERATION: frozenset[Permission] = frozenset(
    {P.MESSAGE_PIN, P.MESSAGE_DELETE, P.USER_MUTE, P.USER_BAN, P.POST_DELETE, P.REPORT_REVIEW, P.AUDIT_READ}
)

SiteRole = Literal["admin", "moderator"]
SITE_ROLES: dict[str, frozenset[Permission]] = {
    "admin": ALL,
    "moderator": MODERATION,
}

# The built-in roles of every sanctum, highest first. The owner is the one who may hand the sanctum
# over and whom nobody else may demote; an admin holds every sanctum permission.
SANCTUM_ROLES: dict[str, frozenset[Permission]] = {
    "owner": SANCTUM_GRANTABLE,
    "admin": SANCTUM_GRANTABLE,
    "moderator": MODERATION | {P.SANCTUM_MANAGE, P.ROOM_MANAGE},
    "member": frozenset(),
}
BUILTIN_SANCTUM_ROLES = tuple(SANCTUM_ROLES)

# Rooms outside any sanctum keep their own owner/moderator/member roles.
ROOM_ROLES: dict[str, frozenset[Permission]] = {
    "owner": frozenset({P.MESSAGE_PIN, P.MESSAGE_DELETE, P.USER_MUTE, P.ROOM_MANAGE}),
    "moderator": frozenset({P.MESSAGE_PIN, P.MESSAGE_DELETE, P.USER_MUTE, P.ROOM_MANAGE}),
    "member": frozenset(),
}

NO_PERMISSIONS: frozenset[Permission] = frozenset()


def parse(names: str) -> frozenset[Permission]:
    """A stored permission list (space separated) as a set; unknown names are ignored."""
    known = {p.value for p in Permission}
    return frozenset(Permission(n) for n in names.split() if n in known)


def serialize(permissions: frozenset[Permission] | set[Permission]) -> str:
    return " ".join(sorted(p.value for p in permissions))
