"""What throttling counts a client by: an IPv4 address, an IPv6 /64."""

import pytest

from domain.client_networks import client_network


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002:0000:0000:0000:0009", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::/64"),
        ("testclient", "testclient"),
    ],
)
def test_a_client_counts_by_its_ipv4_address_or_its_ipv6_64(address: str, network: str) -> None:
    assert client_network(address) == network


def test_two_ipv6_64s_are_two_networks() -> None:
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("64:ff9b::203.0.113.7", "203.0.113.7"),  # NAT64's well-known prefix (RFC 6052)
        ("64:ff9b::cb00:7107", "203.0.113.7"),
        ("2002:cb00:7107:1::1", "203.0.113.7"),  # 6to4 (RFC 3056): 2^16 subnets of one IPv4 address
        ("2002:cb00:7107:ffff::1", "203.0.113.7"),
        ("2001:0:4136:e378:8000:63bf:34ff:8ef8", "203.0.113.7"),  # Teredo: the client's address, obfuscated
    ],
)
def test_an_ipv6_address_that_carries_an_ipv4_client_counts_as_that_ipv4_address(address: str, network: str) -> None:
    """By its /64, every IPv4 client behind a NAT64 gateway would be one network (one failure count for all of
    them; one login from any making all of them "known"), each Teredo server's clients too, and one 6to4 host
    would own 65,536 networks."""
    assert client_network(address) == network


def test_two_ipv4_clients_behind_one_nat64_gateway_are_two_networks() -> None:
    assert client_network("64:ff9b::203.0.113.7") != client_network("64:ff9b::198.51.100.9")


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("203.0.113.7:1", "203.0.113.7"),
        ("[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::1]", "2001:db8:1:2::/64"),
        ("[::ffff:203.0.113.7]:8080", "203.0.113.7"),
        ("[fe80::1%eth0]:22", "fe80::/64"),
    ],
)
def test_an_address_given_with_its_port_or_in_brackets_counts_as_the_address(address: str, network: str) -> None:
    """Some proxies name the client `address:port` in X-Forwarded-For: counted as typed, every new source port
    (the client picks it) would be a fresh count."""
    assert client_network(address) == network


@pytest.mark.parametrize("label", ["testclient:80", "[not-an-address]:80", "203.0.113.7:http", "[2001:db8::1]x"])
def test_a_label_that_only_looks_like_an_address_with_a_port_is_kept_as_it_is(label: str) -> None:
    assert client_network(label) == label
