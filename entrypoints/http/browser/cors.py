"""CORS for exactly the origins the browser policy allows, with credentials."""

from litestar.config.cors import CORSConfig

from entrypoints.settings.browser import BrowserPolicy

CORS_HEADERS = ["Authorization", "Content-Type", "X-Requested-With"]


def cors_config(policy: BrowserPolicy) -> CORSConfig | None:
    """With no other origin allowed, no CORS header at all."""
    if not policy.allowed_origins:
        return None
    return CORSConfig(
        allow_origins=sorted(policy.allowed_origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=CORS_HEADERS,
        allow_credentials=True,
    )
