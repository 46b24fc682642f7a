"""Password hashes made by the real libraries other apps use, at test time: Django's hashers,
Werkzeug's, bcrypt's, passlib's and argon2-cffi's. No fixture file keeps a hash, nor a real secret."""

import tests.support.django_settings  # noqa: F401  (Django's one configuration of the test process)

# isort: split

import bcrypt
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from django.contrib.auth.hashers import Argon2PasswordHasher, BCryptSHA256PasswordHasher, PBKDF2PasswordHasher
from passlib.hash import pbkdf2_sha256
from werkzeug.security import generate_password_hash


def foreign_hashes(password: str) -> dict[str, str]:
    """One hash of `password` per format tessera imports, by name; cheap parameters, for speed."""
    django_pbkdf2 = PBKDF2PasswordHasher()
    django_pbkdf2.iterations = 1000
    return {
        "argon2id": Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID).hash(password),
        "argon2i": Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.I).hash(password),
        "bcrypt-2b": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode(),
        "bcrypt-2a": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4, prefix=b"2a")).decode(),
        "bcrypt-2y": "$2y$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()[4:],
        "django-pbkdf2_sha256": django_pbkdf2.encode(password, django_pbkdf2.salt()),
        "django-argon2": Argon2PasswordHasher().encode(password, Argon2PasswordHasher().salt()),
        "django-bcrypt_sha256": BCryptSHA256PasswordHasher().encode(password, BCryptSHA256PasswordHasher().salt()),
        "werkzeug-pbkdf2": generate_password_hash(password, "pbkdf2:sha256:1000"),
        "werkzeug-scrypt": generate_password_hash(password, "scrypt:1024:8:1"),
        "werkzeug-scrypt-default": generate_password_hash(password),
        "passlib-pbkdf2_sha256": pbkdf2_sha256.using(rounds=1000).hash(password),
    }
