"""A replica that missed its revocation polls for a while (frozen by a long GC or VM pause, or cut off
from the database) must, once it runs again, refuse the sessions revoked meanwhile."""

import time

import httpx
import pytest

from tests.replicas.flows import Measure, bearer, log_in, new_email, register, seconds_until_each, session_status
from tests.replicas.replicas import ReplicaSet

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]

LOOKBACK_SECONDS = 3


def test_a_replica_that_missed_its_revocation_polls_for_longer_than_the_lookback_refuses_what_was_revoked_meanwhile(
    replicas: ReplicaSet, measure: Measure
) -> None:
    a, b = replicas(2, TESSERA_ACCESS_TTL_SECONDS="60", TESSERA_REVOCATION_LOOKBACK_SECONDS=str(LOOKBACK_SECONDS))
    email = new_email()
    with a.client() as at_a:
        register(at_a, email)
        tokens = log_in(at_a, email)
        assert session_status(b, tokens["access_token"]) == 200

        b.pause()
        try:
            time.sleep(1)
            assert at_a.post("/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
            time.sleep(LOOKBACK_SECONDS + 1)  # the logout is now older than one lookback
        finally:
            b.resume()
    httpx.get(f"{b.url}/health", timeout=10)  # b runs again, and its overdue poll has run

    delays = seconds_until_each([b], lambda replica: session_status(replica, tokens["access_token"]) == 401, within=5)
    if delays["B"] is not None:
        measure("revocation_refused_at_B_after_resuming", delays["B"])
    assert delays["B"] is not None and delays["B"] < 2, "B still accepts an access token revoked while it was paused"
