"""The page a downstream service serves to the browser: its script calls the service on tessera's access cookie
alone (`credentials: 'include'`, no token in reach of the script), with or without tessera's CSRF proof."""

import html

SCRIPT = """
async function callService(method, path, withProof) {
  const headers = {};
  if (withProof) {
    headers["X-Requested-With"] = "tessera";
    const django = document.querySelector('meta[name="django-csrf-token"]');
    if (django) headers["X-CSRFToken"] = django.content;
  }
  const answer = await fetch(path, {method, headers, credentials: "include"});
  const text = await answer.text();
  return {status: answer.status, body: text, challenge: answer.headers.get("www-authenticate")};
}
"""


def page_html(django_csrf_token: str | None = None) -> str:
    meta = f'<meta name="django-csrf-token" content="{html.escape(django_csrf_token)}">' if django_csrf_token else ""
    return f"<!doctype html><html><head><title>orders</title>{meta}<script>{SCRIPT}</script></head><body></body></html>"
