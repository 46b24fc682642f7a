"""Where the signing keys come from: a file (or the development key), or the database shared by replicas."""

from dishka import Provider, Scope, provide

from adapters.crypto.caching_token_verifier import CachingTokenVerifier
from adapters.crypto.joserfc_key_vault import JoserfcKeyVault, key_encryption_key
from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.key_files import load_or_create_dev_key, read_private_key
from adapters.crypto.seal_keys import seal_key_from_key_encryption_key, seal_key_from_signing_key
from adapters.crypto.signing_keys import KeyConfigurationError, SigningKeySet
from application.ports.key_vault import KeyVault
from application.ports.public_keys import PublicKeys
from application.ports.token_signer import TokenSigner
from application.ports.token_verifier import TokenVerifier
from application.use_cases.manage_signing_keys import ManageSigningKeys
from application.use_cases.reload_signing_keys import ReloadSigningKeys
from domain.successor_seal import SealKey
from entrypoints.settings.config import Settings
from entrypoints.settings.environment import ConfigError


def load_signing_keys(settings: Settings) -> SigningKeySet:
    """The configured key file, or else the development key (made on first start). A file that is
    missing, unreadable or not a fitting private key is a `ConfigError` naming its variable."""
    alg = settings.signing_alg
    try:
        if settings.signing_key_file is None:
            return SigningKeySet(load_or_create_dev_key(settings.dev_key_file, alg), alg)
        return SigningKeySet(read_private_key(settings.signing_key_file, alg), alg)
    except (KeyConfigurationError, OSError) as error:
        variable = "DEV_KEY_FILE" if settings.signing_key_file is None else "SIGNING_KEY_FILE"
        problem = str(error) if isinstance(error, KeyConfigurationError) else f"cannot write it: {error.strerror}"
        raise ConfigError(variable, problem) from None


class KeyProvider(Provider):
    scope = Scope.APP

    @provide
    def publish(self, keys: SigningKeySet) -> PublicKeys:
        return keys

    signer = provide(JoserfcTokenSigner, provides=TokenSigner)

    @provide
    def verifier(self, keys: SigningKeySet, settings: Settings) -> TokenVerifier:
        return CachingTokenVerifier(JoserfcTokenVerifier(keys), keys, max_tokens=settings.verified_token_cache)

    @provide
    def seal_key(self, keys: SigningKeySet, settings: Settings) -> SealKey:
        if settings.key_encryption_key is not None:
            return seal_key_from_key_encryption_key(key_encryption_key(settings.key_encryption_key))
        return seal_key_from_signing_key(keys)


class FileKeysProvider(Provider):
    """One key from TESSERA_SIGNING_KEY_FILE, or the development key; it changes only with a restart."""

    scope = Scope.APP

    @provide
    def signing_keys(self, settings: Settings) -> SigningKeySet:
        return load_signing_keys(settings)


class SharedKeysProvider(Provider):
    """Keys in the database, sealed under TESSERA_KEY_ENCRYPTION_KEY, reloaded by every replica."""

    @provide(scope=Scope.APP)
    def signing_keys(self) -> SigningKeySet:
        return SigningKeySet()  # filled at start-up, and on every reload, by ReloadSigningKeys

    @provide(scope=Scope.APP)
    def vault(self, keys: SigningKeySet, settings: Settings) -> KeyVault:
        assert settings.key_encryption_key is not None
        return JoserfcKeyVault(keys, key_encryption_key(settings.key_encryption_key))

    manage = provide(ManageSigningKeys, scope=Scope.REQUEST)
    reload = provide(ReloadSigningKeys, scope=Scope.REQUEST)


class PreloadedKeys(Provider):
    """Keys already loaded (and so checked) before the server starts: they are loaded only once."""

    scope = Scope.APP

    def __init__(self, keys: SigningKeySet) -> None:
        super().__init__()
        self._keys = keys

    @provide
    def signing_keys(self) -> SigningKeySet:
        return self._keys
