"""The client network: what throttling counts and what "a place this account logged in from" means.

An IPv4 address is its own network. An IPv6 address counts by its /64: one subscriber is usually
given a whole /64 (often much more) and may pick any address in it, so counting single IPv6 addresses
would hand one client 2^64 fresh counters. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
dual-stack socket reports for an IPv4 peer) is the IPv4 address it maps, and so is every IPv6 address
that carries an IPv4 client: NAT64's well-known prefix `64:ff9b::/96` (a server reached over NAT64 sees
every IPv4 client in one /64), Teredo (a Teredo server's clients share its /64) and 6to4 (one IPv4 host
holds 65,536 /64s). An address given with its port (`192.0.2.1:51234`, `[2001:db8::1]:443`, as some proxies
write X-Forwarded-For) or in brackets counts as the address: the client picks its port, and each would
otherwise be a fresh count. Anything that is no IP address (a proxy's opaque name, a test's label) is taken as
it is: the counts stay per value."""

import ipaddress

IPV6_SUBSCRIBER_PREFIX = 64
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
"""RFC 6052: the IPv4 address is the last 32 bits."""


def client_network(address: str) -> str:
    """A canonical text for the network the address counts in: `192.0.2.1`, `2001:db8:1:2::/64`."""
    text = address.strip()
    try:
        parsed = ipaddress.ip_address(_without_port(text).split("%", 1)[0])  # a zone names a link, not a client
    except ValueError:
        return text
    if isinstance(parsed, ipaddress.IPv6Address):
        carried = _carried_ipv4(parsed)
        if carried is not None:
            return str(carried)
        return str(ipaddress.IPv6Network((parsed, IPV6_SUBSCRIBER_PREFIX), strict=False))
    return str(parsed)


def _carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return address.teredo[1]  # (the Teredo server, the client)
    return address.sixtofour


def _without_port(text: str) -> str:
    """`[address]` and `[address]:port` as the address; `IPv4:port` as the IPv4 part; anything else as it is
    (a bare IPv6 address has colons of its own and no port)."""
    if text.startswith("["):
        inside, bracket, rest = text[1:].partition("]")
        return inside if bracket and (not rest or (rest[0] == ":" and rest[1:].isdigit())) else text
    host, colon, port = text.rpartition(":")
    return host if colon and ":" not in host and port.isdigit() else text
