"""Pub/sub between instances: in-process embedded, Redis pub/sub scaled.

Infrastructure: imports `sanctum.core`, `sanctum.observability` and the realtime protocol; never a domain.
"""

from sanctum.broker.base import Broker, EventHandler, ReconnectHandler
from sanctum.broker.memory import InProcessBroker
from sanctum.broker.redis import RedisBroker

__all__ = ["Broker", "EventHandler", "InProcessBroker", "ReconnectHandler", "RedisBroker"]
