from abc import abstractmethod
from collections.abc import Mapping
from typing import Protocol


class TokenVerifier(Protocol):
    @abstractmethod
    def verify(self, token: str) -> Mapping[str, object]:
        """The payload of a token whose header and signature hold, or `InvalidAccessToken`.

        The algorithm is pinned by the server, the key is taken only from the local key set by
        `kid`, and the header must say `typ: at+jwt`. The claims are the domain's to judge.
        """
