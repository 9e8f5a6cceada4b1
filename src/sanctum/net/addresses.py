"""Which IP addresses an outbound fetch may connect to: public unicast ones, nothing else.

Rule: an address is refused when it is loopback, private (RFC 1918, unique local), link-local, multicast,
reserved, unspecified, shared (CGNAT, 100.64.0.0/10), a documentation or benchmarking range, a cloud
metadata address (169.254.169.254, fd00:ec2::254), or an IPv6 form that carries an IPv4 address
(IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) whose IPv4 address would be refused, or that we
cannot tell apart from one. The check is an allow-list in spirit: Python's `is_global` must hold too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

BLOCKED_NETWORKS: tuple[Network, ...] = tuple(
    ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (CGNAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/32",  # Teredo
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4
        "fc00::/7",  # unique local (fd00:ec2::254, the EC2 metadata address, is in it)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
METADATA_ADDRESSES = frozenset({ip_address("169.254.169.254"), ip_address("fd00:ec2::254")})


def is_public(address: Address) -> bool:
    """Whether a fetch may connect to `address` (see the module docstring)."""
    if address in METADATA_ADDRESSES:
        return False
    if any(address in network for network in BLOCKED_NETWORKS):
        return False
    if isinstance(address, IPv6Address) and (address.ipv4_mapped or address.sixtofour or address.teredo):
        return False
    return bool(
        address.is_global
        and not (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        )
    )


DEFAULT_PORTS = frozenset({80, 443, 8080, 8443})


@dataclass(frozen=True)
class AddressPolicy:
    """What the fetcher may connect to. The default: public addresses on the usual web ports.

    `allow` names networks allowed in spite of the rules (tests allow their own server's 127.0.0.1;
    an operator may allow an intranet); `ports` None allows any port.
    """

    allow: tuple[Network, ...] = ()
    ports: frozenset[int] | None = field(default=DEFAULT_PORTS)

    @classmethod
    def allowing(cls, *networks: str, any_port: bool = True) -> AddressPolicy:
        return cls(tuple(ip_network(n) for n in networks), None if any_port else DEFAULT_PORTS)

    def permits(self, address: Address) -> bool:
        if any(address.version == n.version and address in n for n in self.allow):
            return True
        return is_public(address)

    def permits_port(self, port: int) -> bool:
        return self.ports is None or port in self.ports
