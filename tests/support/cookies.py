"""The cookie transport as a browser meets it: the cookie names, the origins, and the steps many
cookie tests share.

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local.
"""

import httpx

from tests.support.flows import Client, register
from tests.support.http import PASSWORD

OWN_ORIGIN = "https://testserver.local"
APP_ORIGIN = "https://app.example.com"
ACCESS = "__Host-tessera-access"
REFRESH = "__Secure-tessera-refresh"
SAME_ORIGIN = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}


def set_cookies(response: httpx.Response) -> list[dict[str, str]]:
    """Each Set-Cookie header as {"name", "value", attribute (lower case): value ("" for a flag)}."""
    parsed = []
    for header in response.headers.get_list("set-cookie"):
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        cookie = {"name": name, "value": value}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            cookie[key.lower()] = attribute_value
        parsed.append(cookie)
    return parsed


def cookie_values(response: httpx.Response) -> dict[tuple[str, str], str]:
    return {(cookie["name"], cookie["path"]): cookie["value"] for cookie in set_cookies(response)}


def cookie_header(**values: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in values.items())}


def access(value: str) -> dict[str, str]:
    return cookie_header(**{ACCESS: value})


def refresh_cookie(value: str) -> dict[str, str]:
    return cookie_header(**{REFRESH: value})


async def cookie_login(client: Client, email: str = "ada@example.com") -> httpx.Response:
    response = await client.post(
        "/auth/login", json={"email": email, "password": PASSWORD, "transport": "cookie"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    return response


async def signed_in(client: Client, email: str = "ada@example.com") -> dict[str, str]:
    """Registers and logs in with cookies; returns the cookie values, the client's jar emptied."""
    await register(client, email)
    response = await cookie_login(client, email)
    client.cookies.clear()
    values = cookie_values(response)
    return {"access": values[(ACCESS, "/")], "refresh": values[(REFRESH, "/auth/refresh")]}


def assert_problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == f"urn:tessera:problem:{slug}"
