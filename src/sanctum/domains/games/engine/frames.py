"""Delta frames: what a real-time room sends each tick is what changed in its view since the last one.

The plugin stays pure: it returns its spectator view (`view(state, None)`, plain JSON) and writes no
encoding code. The engine compares the view of this tick with the view it sent last (`diff`) and
publishes `game.delta` with the changes, or `game.frame` with the whole view (a keyframe) when the
room starts, when a socket subscribes or resumes (the hub asks for one: `RoomFrames.want_keyframe`)
and every `keyframe_interval_ticks`. A delta names the tick it applies to (`base`); a client that
missed one skips deltas until the next keyframe, and the gateway lets a socket that has just
subscribed see no delta of the topic before a keyframe (`Hub.keyframes`).

A change is `[path, value]` (set the member or element at `path` to `value`) or `[path]` (remove
that member); a path is a list of object keys and array indices, `[]` the whole view. Objects are
compared member by member, arrays of the same length element by element, anything else by value
and JSON type (`1` and `1.0` differ, as do `true` and `1`). `apply(view, diff(view, new))` equals
`new` for any JSON values (a property test checks it on random games of every real-time plugin).
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from sanctum.core.events import Event, make_event
from sanctum.domains.games import events as ev
from sanctum.observability.metrics import GAME_FRAMES

Change = list[Any]
_CONTAINERS = (dict, list)


def diff(old: Any, new: Any) -> list[Change]:
    """The changes that turn `old` into `new` (both JSON values)."""
    out: list[Change] = []
    if not _same(old, new):
        _diff(old, new, [], out)
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: `==` (in C, the fast path for a subtree that did not change), then the types, or
    the encodings of containers, since `==` holds between `1`, `1.0` and `true`."""
    if a is b:
        return True
    if a != b:
        return False
    kind = type(a)
    if kind is not type(b):
        return False
    return kind not in _CONTAINERS or orjson.dumps(a) == orjson.dumps(b)


def _diff(old: Any, new: Any, path: list[Any], out: list[Change]) -> None:
    """Append the changes within `old` and `new`, which differ, at `path` (a list reused as a stack)."""
    kind = type(new)
    if kind is dict and type(old) is dict:
        for key, value in new.items():
            if key not in old:
                out.append([[*path, key], value])
            elif not _same(old[key], value):
                path.append(key)
                _diff(old[key], value, path, out)
                path.pop()
        for key in old:
            if key not in new:
                out.append([[*path, key]])
    elif kind is list and type(old) is list and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if not _same(a, b):
                path.append(i)
                _diff(a, b, path, out)
                path.pop()
    else:
        out.append([list(path), new])


def apply(view: Any, changes: list[Change]) -> Any:
    """`view` with `changes` applied (in place where it can; use the result)."""
    for change in changes:
        path = change[0]
        if not path:
            view = change[1]
            continue
        parent = view
        for step in path[:-1]:
            parent = parent[step]
        if len(change) == 1:
            del parent[path[-1]]
        else:
            parent[path[-1]] = change[1]
    return view


def count(frames: list[Event]) -> None:
    """Count a pass's frames by kind (`game_frames_total`), once per pass rather than per frame."""
    keyframes = sum(1 for frame in frames if frame.type == ev.FRAME.name)
    if keyframes:
        GAME_FRAMES.labels("keyframe").inc(keyframes)
    if len(frames) > keyframes:
        GAME_FRAMES.labels("delta").inc(len(frames) - keyframes)


class RoomFrames:
    """The frames of one real-time room on the instance ticking it: keyframes and deltas in turn."""

    __slots__ = ("_last", "_room", "_tick", "keyframe_every", "keyframe_wanted", "topic")

    def __init__(self, room_id: uuid.UUID, topic: str, keyframe_every: int) -> None:
        self._room = str(room_id)
        self.topic = topic
        self.keyframe_every = keyframe_every
        self._last: Any = None
        self._tick = 0
        self.keyframe_wanted = True

    def want_keyframe(self) -> None:
        """The next frame is a whole view (a socket has just subscribed or resumed)."""
        self.keyframe_wanted = True

    def next(self, tick: int, view: Any) -> Event:
        """The frame of `tick` for `view`: a keyframe when one is due or wanted, else the delta."""
        key = self.keyframe_wanted or self._last is None or tick % self.keyframe_every == 0
        if key:
            event = make_event(self.topic, ev.FRAME.name, {"room_id": self._room, "tick": tick, "state": view})
        else:
            data = {"room_id": self._room, "tick": tick, "base": self._tick, "changes": diff(self._last, view)}
            event = make_event(self.topic, ev.FRAME_DELTA.name, data)
        self.keyframe_wanted = False
        self._last, self._tick = view, tick
        return event
