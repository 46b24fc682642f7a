"""Reading problem JSON in tests."""

import re


def names_the_parameter(detail: str, name: str) -> bool:
    """Whether a problem's `detail` names `name` as the parameter at fault, quoted ('limit' or `limit`),
    so that a client knows which one to fix."""
    return re.search(rf"['`]{re.escape(name)}['`]", detail) is not None
