"""Private keys from files: a configured PEM or JWK file, or the development key made on first start."""

import json
import logging
import os
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError

from adapters.crypto.signing_keys import KEY_TYPES, AsymmetricKey, KeyConfigurationError, fits_algorithm, generate_key

log = logging.getLogger(__name__)


def read_private_key(path: Path, alg: str) -> AsymmetricKey:
    """A private key from a PEM or JWK file. The key's `kid` is the JWK's own, else its RFC 7638 thumbprint."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KeyConfigurationError(f"cannot read {path}: {error.strerror}") from None
    key_type = KEY_TYPES[alg]
    try:
        data: Any = json.loads(raw) if raw.lstrip().startswith(b"{") else raw
        key = key_type.import_key(data)
    except (JoseError, ValueError, TypeError) as error:
        raise KeyConfigurationError(f"{path} is not a {alg} private key in PEM or JWK form ({error})") from None
    if not key.is_private:
        raise KeyConfigurationError(f"{path} holds a public key; a private key is needed to sign")
    if not fits_algorithm(key, alg):
        raise KeyConfigurationError(f"the key in {path} does not fit the algorithm {alg}")
    if not key.kid:
        key.ensure_kid()
    return key


_USE_A_KEY_FILE = "Set TESSERA_SIGNING_KEY_FILE in production."


def load_or_create_dev_key(path: Path, alg: str) -> AsymmetricKey:
    """The development key: created and persisted (mode 0600) on first start, reused after."""
    if path.exists():
        log.warning("No signing key configured: signing with the development key at %s. %s", path, _USE_A_KEY_FILE)
        return read_private_key(path, alg)
    key = generate_key(alg)
    key.ensure_kid()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(key.as_dict(private=True), file)
    log.warning(
        "No signing key configured: generated a development key at %s. Set TESSERA_SIGNING_KEY_FILE in production.",
        path,
    )
    return key
