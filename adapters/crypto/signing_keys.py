"""The signing key set: one active private key that signs, and the public keys that verify, by `kid`."""

import warnings
from dataclasses import dataclass

from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey, RSAKey

from application.errors import NoSigningKey
from application.ports.public_keys import PublicKeys

AsymmetricKey = RSAKey | ECKey | OKPKey

SUPPORTED_ALGORITHMS = ("RS256", "ES256", "EdDSA", "Ed25519")

# RFC 9864 deprecates the polymorphic "EdDSA" name for "Ed25519". Both are accepted in
# configuration; joserfc's per-token warning about it is noise once that choice is made.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)


# Only these members are published: a key file's own extras (key_ops, x5c, ...) never leak or break the JWKS.
_PUBLIC_MEMBERS = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}


class KeyConfigurationError(ValueError):
    """A key file that cannot be read, or a key that does not fit the configured algorithm."""


KEY_TYPES: dict[str, type[AsymmetricKey]] = {"RS256": RSAKey, "ES256": ECKey, "EdDSA": OKPKey, "Ed25519": OKPKey}


def fits_algorithm(key: AsymmetricKey, alg: str) -> bool:
    """The one check every key passes, loaded from a file or installed: its type and size suit `alg`."""
    if isinstance(key, RSAKey):
        return alg == "RS256" and key.raw_value.key_size >= 2048
    if isinstance(key, ECKey):
        return alg == "ES256" and key.curve_name == "P-256"
    return alg in ("EdDSA", "Ed25519") and key.curve_name == "Ed25519"


def generate_key(alg: str) -> AsymmetricKey:
    if alg == "RS256":
        return RSAKey.generate_key(2048, private=True)
    if alg == "ES256":
        return ECKey.generate_key("P-256", private=True)
    return OKPKey.generate_key("Ed25519", private=True)


@dataclass(frozen=True, slots=True)
class _Installed:
    signing: AsymmetricKey | None
    signing_alg: str
    public: dict[str, tuple[AsymmetricKey, str]]


class SigningKeySet(PublicKeys):
    """The keys this process signs and verifies with, each verified only with its own algorithm.

    Replaced whole, in one assignment, when the shared key set is reloaded: a request sees either
    the old set or the new one, never a mix.
    """

    def __init__(self, active: AsymmetricKey | None = None, alg: str = "RS256") -> None:
        self._installed = _Installed(None, alg, {})
        self._generation = 0
        if active is not None:
            self.install((active, alg), [(active, alg)])

    def install(self, signing: tuple[AsymmetricKey, str] | None, published: list[tuple[AsymmetricKey, str]]) -> None:
        for key, alg in ([signing] if signing else []) + published:
            if not fits_algorithm(key, alg):
                raise KeyConfigurationError(f"the key {key.kid} does not fit the algorithm {alg}")
        public = {_kid_of(key): (key.__class__.import_key(key.as_dict(private=False)), alg) for key, alg in published}
        if signing is not None:
            public.setdefault(
                _kid_of(signing[0]), (signing[0].__class__.import_key(signing[0].as_dict(private=False)), signing[1])
            )
        self._installed = _Installed(signing[0] if signing else None, signing[1] if signing else "", public)
        self._generation += 1

    @property
    def generation(self) -> int:
        """Changes with every install: whatever was verified under an earlier set must be verified again."""
        return self._generation

    @property
    def kid(self) -> str:
        return _kid_of(self.active)

    @property
    def alg(self) -> str:
        return self._installed.signing_alg

    @property
    def can_sign(self) -> bool:
        return self._installed.signing is not None

    @property
    def active(self) -> AsymmetricKey:
        if self._installed.signing is None:
            raise NoSigningKey
        return self._installed.signing

    @property
    def algorithms(self) -> list[str]:
        return sorted({alg for _, alg in self._installed.public.values()})

    def public_key(self, kid: object) -> tuple[AsymmetricKey, str] | None:
        return self._installed.public.get(kid) if isinstance(kid, str) else None

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        keys = []
        for kid, (key, alg) in self._installed.public.items():
            exported = key.as_dict(private=False)
            public = {name: str(exported[name]) for name in _PUBLIC_MEMBERS[key.key_type]}
            keys.append({"kty": key.key_type, **public, "kid": kid, "alg": alg, "use": "sig"})
        return {"keys": keys}


def _kid_of(key: AsymmetricKey) -> str:
    return key.kid or key.thumbprint()
