"""Password hashes made by the real libraries other apps use, at test time: every hasher in Django's
default `PASSWORD_HASHERS` (at Django's own default parameters), Werkzeug's, Node's bcryptjs, pyca
bcrypt's, passlib's and argon2-cffi's. No fixture file keeps a hash, nor a real secret."""

import tests.support.django_settings  # noqa: F401  (Django's one configuration of the test process)

# isort: split

import bcrypt
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.module_loading import import_string
from passlib.hash import pbkdf2_sha256
from werkzeug.security import generate_password_hash

from tests.support.node_bcrypt import bcryptjs_hashes


def django_default_hashes(password: str) -> dict[str, str]:
    """`make_password` with each hasher of Django's default list, by name (`django-scrypt`…)."""
    hashers = [import_string(path)() for path in settings.PASSWORD_HASHERS]
    return {f"django-{hasher.algorithm}": make_password(password, hasher=hasher) for hasher in hashers}


def foreign_hashes(password: str) -> dict[str, str]:
    """One hash of `password` per format tessera imports, by name: Django's and Node's at their
    defaults (the bounds must take what they write), the others with cheap parameters, for speed."""
    return {
        **django_default_hashes(password),
        **{f"node-{name}": password_hash for name, password_hash in bcryptjs_hashes(password).items()},
        "argon2id": Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID).hash(password),
        "argon2i": Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.I).hash(password),
        "bcrypt-2b": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode(),
        "bcrypt-2a": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4, prefix=b"2a")).decode(),
        "bcrypt-2y": "$2y$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()[4:],
        "werkzeug-pbkdf2": generate_password_hash(password, "pbkdf2:sha256:1000"),
        "werkzeug-pbkdf2-default": generate_password_hash(password, "pbkdf2"),
        "werkzeug-scrypt": generate_password_hash(password, "scrypt:1024:8:1"),
        "werkzeug-scrypt-default": generate_password_hash(password),
        "passlib-pbkdf2_sha256": pbkdf2_sha256.using(rounds=1000).hash(password),
    }
