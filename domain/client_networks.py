"""The client network: what throttling counts and what "a place this account logged in from" means.

An IPv4 address is its own network. An IPv6 address counts by its /64: one subscriber is usually
given a whole /64 (often much more) and may pick any address in it, so counting single IPv6 addresses
would hand one client 2^64 fresh counters. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
dual-stack socket reports for an IPv4 peer) is the IPv4 address it maps. Anything that is no IP
address (a proxy's opaque name, a test's label) is taken as it is: the counts stay per value."""

import ipaddress

IPV6_SUBSCRIBER_PREFIX = 64


def client_network(address: str) -> str:
    """A canonical text for the network the address counts in: `192.0.2.1`, `2001:db8:1:2::/64`."""
    text = address.strip()
    try:
        parsed = ipaddress.ip_address(text.split("%", 1)[0])  # a zone index names a link, not a client
    except ValueError:
        return text
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_SUBSCRIBER_PREFIX), strict=False))
    return str(parsed)
