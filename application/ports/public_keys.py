from abc import abstractmethod
from typing import Protocol


class PublicKeys(Protocol):
    @abstractmethod
    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JWK Set of every public key a token may be verified with.

        Each key carries `kid`, `alg` and `use: sig`, and never a private part."""
