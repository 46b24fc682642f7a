// express-session's own objects on connect-redis, driven line by line for the contract tests
// (tests/support/express.py): each request a JSON line on stdin, each answer a JSON line on stdout.
//
//   {"put": {"sid", "data", "maxAgeMs", "secret"?}}  stores a session as express-session saves one (a
//        Session with its Cookie, through RedisStore.set: connect-redis' JSON and TTL); answers {"cookie"},
//        the value of the connect.sid cookie express-session sets for it (signed with the first secret,
//        or with `secret`: as another app would)
//   {"get": sid}      the session as express-session would load it (RedisStore.get), or null
//   {"sign": sid}     the connect.sid cookie's value for that id, whether or not it is stored
//   {"touch": sid}    what express-session does on a request with the cookie (RedisStore.touch)
//
// Settings: REDIS_URL, SESSION_SECRETS (a JSON array), SESSION_PREFIX, SESSION_DISABLE_TTL ("1").
import readline from "node:readline";

import signature from "cookie-signature";
import { RedisStore } from "connect-redis";
import session from "express-session";
import { createClient } from "redis";

const env = process.env;
const secrets = JSON.parse(env.SESSION_SECRETS);
const redis = createClient({ url: env.REDIS_URL });
await redis.connect();
const store = new RedisStore({
  client: redis,
  prefix: env.SESSION_PREFIX ?? "sess:",
  disableTTL: env.SESSION_DISABLE_TTL === "1",
});

function sessionOf(sid, data, maxAgeMs) {
  // What express-session's `generate` makes for a request (a Session over a Cookie), filled in.
  const request = { sessionID: sid, sessionStore: store };
  const made = new session.Session(request, data);
  made.cookie = new session.Cookie({ maxAge: maxAgeMs ?? undefined, httpOnly: true, path: "/" });
  return made;
}

function cookieOf(sid, secret = secrets[0]) {
  // express-session's `setcookie`: "s:" + the signed id, serialised by the `cookie` package (encodeURIComponent)
  return encodeURIComponent(`s:${signature.sign(sid, secret)}`);
}

async function answer(request) {
  if (request.put) {
    const { sid, data, maxAgeMs, secret } = request.put;
    await store.set(sid, sessionOf(sid, data, maxAgeMs));
    return { cookie: cookieOf(sid, secret) };
  }
  if (request.sign !== undefined) return { cookie: cookieOf(request.sign) };
  if (request.get !== undefined) {
    const found = await store.get(request.get);
    return { session: found ?? null };
  }
  if (request.touch !== undefined) {
    const found = await store.get(request.touch);
    if (found) await store.touch(request.touch, found);
    return { touched: Boolean(found) };
  }
  throw new Error(`unknown request ${JSON.stringify(request)}`);
}

console.log(JSON.stringify({ ready: true }));
for await (const line of readline.createInterface({ input: process.stdin })) {
  try {
    console.log(JSON.stringify(await answer(JSON.parse(line))));
  } catch (error) {
    console.log(JSON.stringify({ error: error.message }));
  }
}
await redis.quit();
