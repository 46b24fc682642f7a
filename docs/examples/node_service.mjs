// A Node service that verifies tessera's access tokens with `jose` (npm), starting from the issuer alone:
// the key set is the `jwks_uri` of tessera's RFC 8414 metadata. With a trusted client it also reads tessera's
// revocation feed every second, so a logout is refused here within about 2 s; without one, a token stays
// valid until it expires (TESSERA_ACCESS_TTL_SECONDS, 15 minutes by default).
//
//   npm install jose@6.2.17
//   TESSERA_ISSUER=https://auth.example.com TESSERA_AUDIENCE=orders-api \
//   TESSERA_CLIENT_ID=orders-api TESSERA_CLIENT_SECRET=… PORT=8002 node node_service.mjs
import { createServer } from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";

const issuer = process.env.TESSERA_ISSUER; // exactly tessera's TESSERA_ISSUER
const audience = process.env.TESSERA_AUDIENCE; // tessera's TESSERA_AUDIENCE
const algorithms = [process.env.TESSERA_SIGNING_ALG ?? "RS256"]; // pinned: never the token's choice
const client = process.env.TESSERA_CLIENT_ID; // optional: a trusted client reads the revocation feed
const secret = process.env.TESSERA_CLIENT_SECRET;
const REALM = "api";
const POLL_MS = 1000;
const STALE_MS = 2000; // no good read of the feed for this long: refuse (503) rather than miss a logout

// RFC 8414 §3.1: the metadata sits at the issuer's host, before the issuer's path; §3.3: it must name our issuer.
const where = new URL(issuer);
where.pathname = "/.well-known/oauth-authorization-server" + where.pathname.replace(/\/$/, "");
const metadata = await (await fetch(where, { headers: { accept: "application/json" } })).json();
if (metadata.issuer !== issuer) throw new Error(`the metadata is for ${metadata.issuer}, not ${issuer}`);
const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), { cooldownDuration: 250, cacheMaxAge: 300_000 });

// What tessera refuses and jose alone would accept from a holder of tessera's key: extra header members
// (jku, x5u, zip, …), loose base64url, non-finite times, `iat` in the future, ids that are not UUIDs, roles
// that are not strings. tests/verifier/attacks.py is the catalogue every verifier of tessera's tokens must refuse.
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const canonical = (part) => SEGMENT.test(part) && Buffer.from(part, "base64url").toString("base64url") === part;

async function verify(token) {
  const parts = token.split(".");
  if (token.length > 4096 || parts.length !== 3 || !parts.every(canonical)) throw new Error("malformed");
  const { payload, protectedHeader } = await jwtVerify(token, keys, {
    issuer, audience, algorithms, typ: "at+jwt", clockTolerance: 30, requiredClaims: ["exp", "iat", "sub", "sid", "jti"],
  });
  const header = Object.keys(protectedHeader).sort().join();
  const times = ["exp", "iat", "nbf"].filter((name) => name in payload).map((name) => payload[name]);
  const roles = payload.roles ?? [];
  if (header !== "alg,kid,typ" || typeof protectedHeader.kid !== "string") throw new Error("header");
  if (!times.every(Number.isFinite) || ![payload.sub, payload.sid, payload.jti].every((id) => UUID.test(id)))
    throw new Error("claims");
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) throw new Error("roles");
  if (payload.iat > Date.now() / 1000 + 30) throw new Error("issued in the future"); // jose checks nbf, not iat
  return payload;
}

// The revocation feed (GET, HTTP Basic): each revoked session kept for `window` seconds after its revocation.
// A read follows the pages (`more`) to the last; it counts as fresh from when its first page was asked.
const revoked = new Map(); // sid → until (seconds since the epoch)
const basic = "Basic " + Buffer.from(`${encodeURIComponent(client)}:${encodeURIComponent(secret)}`).toString("base64");
const limit = process.env.TESSERA_FEED_LIMIT; // revocations a page: tessera's default (1000) unless set
let cursor = null;
let lastRead = -Infinity; // performance.now() when the last complete read was asked
async function poll() {
  const asked = performance.now();
  try {
    for (let page = 0, more = true; more && page < 100; page++) {
      const url = new URL(metadata.revocation_feed_endpoint);
      if (cursor !== null) url.searchParams.set("after", cursor);
      if (limit) url.searchParams.set("limit", limit);
      const answer = await fetch(url, { headers: { authorization: basic }, signal: AbortSignal.timeout(5000) });
      if (!answer.ok) throw new Error(`the feed answered ${answer.status}`);
      const feed = await answer.json();
      for (const { sid, revoked_at } of feed.revocations) revoked.set(sid.toLowerCase(), revoked_at + feed.window + 30);
      cursor = feed.cursor;
      more = feed.more === true;
      if (!more) lastRead = asked;
    }
    for (const [sid, until] of revoked) if (until < Date.now() / 1000) revoked.delete(sid);
  } catch (failure) {
    console.error("tessera's revocation feed:", failure.message);
  }
  setTimeout(poll, POLL_MS).unref();
}
if (client && secret) await poll();

function answer(response, status, body, headers = {}) {
  const problem = status >= 400;
  response.writeHead(status, {
    "content-type": problem ? "application/problem+json" : "application/json",
    "cache-control": "no-store",
    ...headers,
  });
  response.end(JSON.stringify(problem ? { type: "about:blank", status, ...body } : body));
}

const refuse = (response, status, error, detail) =>
  answer(response, status, { title: status === 403 ? "Forbidden" : "Unauthorized", detail }, {
    "www-authenticate": `Bearer realm="${REALM}"` + (error ? `, error="${error}"` : ""),
  });

const server = createServer(async (request, response) => {
  const path = new URL(request.url, "http://service").pathname;
  if (path === "/health") return answer(response, 200, { status: "ok" });
  if (path !== "/whoami" && path !== "/admin") return answer(response, 404, { title: "Not Found" });
  const [scheme, token, extra] = (request.headers.authorization ?? "").trim().split(/ +/);
  if (scheme?.toLowerCase() !== "bearer" || !token) return refuse(response, 401, "", "An access token is required.");
  let claims;
  try {
    if (extra !== undefined) throw new Error("spaces");
    claims = await verify(token);
  } catch {
    return refuse(response, 401, "invalid_token", "The access token is invalid or expired.");
  }
  if (client && secret) {
    if (revoked.has(claims.sid.toLowerCase()))
      return refuse(response, 401, "invalid_token", "The access token is invalid or expired.");
    if (performance.now() - lastRead > STALE_MS)
      return answer(response, 503, { title: "Service Unavailable", detail: "Revocations are unknown: try again shortly." }, { "retry-after": "1" });
  }
  if (path === "/admin" && !(claims.roles ?? []).includes("admin"))
    return refuse(response, 403, "insufficient_scope", "This needs a role the token does not have.");
  answer(response, 200, { sub: claims.sub, sid: claims.sid, roles: claims.roles ?? [] });
});

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8002);
server.listen(port, host, () => console.log(`listening on http://${host}:${port}`));
