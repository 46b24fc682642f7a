"""tessera-verifier: verify tessera's access tokens in the services that consume them."""

from tessera_verifier.claims import Claims
from tessera_verifier.discovery import DiscoveryFailed, ServerMetadata
from tessera_verifier.errors import InvalidToken, RevocationsUnknown
from tessera_verifier.jwks import JwksTiming
from tessera_verifier.staleness import FeedStatus
from tessera_verifier.verifier import Verifier

__all__ = [
    "Claims",
    "DiscoveryFailed",
    "FeedStatus",
    "InvalidToken",
    "JwksTiming",
    "RevocationsUnknown",
    "ServerMetadata",
    "Verifier",
]
