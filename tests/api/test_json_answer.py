"""A route's `JsonAnswer` is sent as Litestar would send the value it carries."""

import uuid
from typing import Any

import msgspec
import pytest
from litestar import Litestar, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.testing import AsyncTestClient

from entrypoints.http.routes.json_answer import JsonAnswer

pytestmark = pytest.mark.anyio


class Badge(msgspec.Struct):
    holder: uuid.UUID
    roles: list[str]


HOLDER = uuid.uuid4()


@get("/badge", cache_control=CacheControlHeader(private=True, no_cache=True), status_code=203)
async def badge() -> JsonAnswer[Badge]:
    return JsonAnswer(Badge(holder=HOLDER, roles=["support"]))


async def stamped(response: Response[Any]) -> Response[Any]:
    response.headers["X-Stamp"] = "seen"
    response.set_cookie("stamp", "seen")
    return response


@get("/stamped-badge", after_request=stamped)
async def stamped_badge() -> JsonAnswer[Badge]:
    return JsonAnswer(Badge(holder=HOLDER, roles=[]))


@get("/plain-badge", cache_control=CacheControlHeader(private=True, no_cache=True), status_code=203)
async def plain_badge() -> Badge:
    return Badge(holder=HOLDER, roles=["support"])


def app() -> Litestar:
    return Litestar([badge, stamped_badge, plain_badge])


async def test_an_answer_is_sent_with_the_routes_status_and_headers_as_the_plain_value_would_be() -> None:
    async with AsyncTestClient(app()) as client:
        answer = await client.get("/badge")
        plain = await client.get("/plain-badge")
    assert answer.status_code == plain.status_code == 203
    assert answer.content == plain.content == msgspec.json.encode(Badge(holder=HOLDER, roles=["support"]))
    assert answer.json() == {"holder": str(HOLDER), "roles": ["support"]}
    assert list(answer.headers.multi_items()) == list(plain.headers.multi_items())
    assert answer.headers["cache-control"] == "no-cache, private"
    assert answer.headers["content-type"] == "application/json"


async def test_headers_and_cookies_a_hook_sets_on_the_answer_are_sent() -> None:
    async with AsyncTestClient(app()) as client:
        answer = await client.get("/stamped-badge")
    assert answer.status_code == 200
    assert answer.headers["x-stamp"] == "seen"
    assert answer.cookies["stamp"] == "seen"
    assert answer.json() == {"holder": str(HOLDER), "roles": []}


def test_the_schema_documents_the_content_and_the_routes_headers_as_for_the_plain_value() -> None:
    paths = app().openapi_schema.to_schema()["paths"]
    answer, plain = paths["/badge"]["get"]["responses"]["203"], paths["/plain-badge"]["get"]["responses"]["203"]
    assert answer == plain
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Badge"}
    assert "cache-control" in answer["headers"]
