// The Express application being migrated off its sessions, built the way such apps are:
// express-session on Redis through connect-redis, passport-local checking bcrypt hashes in a SQLite
// `users` table (sql.js: SQLite compiled to WebAssembly, so no native build on install), and
// passport's default `serializeUser` habit of keeping the user's id in `session.passport.user`.
//
// Settings, from the environment (tests/support/express.py sets them):
//   PORT, REDIS_URL, USERS_DB (the SQLite file, created if absent)
//   SESSION_SECRETS   a JSON array; the first signs, every one verifies (express-session's rotation)
//   SESSION_PREFIX    connect-redis's key prefix (default "sess:")
//   SESSION_MAX_AGE_MS  the cookie's maxAge of a login with `remember: false` (default 1 hour);
//                       `remember: true` keeps it 30 days
//   SESSION_DISABLE_TTL "1": connect-redis's `disableTTL`, keys without a Redis TTL (a session then
//                       ends only by its `cookie.expires`)
//   BCRYPT_COST       the cost of the hashes made at sign-up (default 10)
import fs from "node:fs";

import bcrypt from "bcryptjs";
import { RedisStore } from "connect-redis";
import express from "express";
import session from "express-session";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { createClient } from "redis";
import initSqlJs from "sql.js";

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
const env = process.env;
const port = Number(env.PORT);
const usersPath = env.USERS_DB;
const secrets = JSON.parse(env.SESSION_SECRETS);
const shortMaxAge = Number(env.SESSION_MAX_AGE_MS || 3600 * 1000);
const bcryptCost = Number(env.BCRYPT_COST || 10);

const SQL = await initSqlJs();
const db = fs.existsSync(usersPath) ? new SQL.Database(fs.readFileSync(usersPath)) : new SQL.Database();
db.run(`CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)`);

function save() {
  // sql.js works in memory: write the whole file, then rename it into place, so that a reader of
  // the file (the user export) never sees half of it.
  fs.writeFileSync(`${usersPath}.tmp`, Buffer.from(db.export()));
  fs.renameSync(`${usersPath}.tmp`, usersPath);
}
save();

function findUser(column, value) {
  const statement = db.prepare(`SELECT id, email, display_name, password_hash FROM users WHERE ${column} = ?`);
  try {
    statement.bind([value]);
    return statement.step() ? statement.getAsObject() : null;
  } finally {
    statement.free();
  }
}

passport.use(
  new LocalStrategy({ usernameField: "email" }, (email, password, done) => {
    const user = findUser("email", email);
    if (user === null) return done(null, false);
    bcrypt.compare(password, user.password_hash).then((ok) => done(null, ok ? user : false), done);
  }),
);
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, findUser("id", id) || false));

const redis = createClient({ url: env.REDIS_URL });
redis.on("error", (error) => console.error("redis:", error.message));
await redis.connect();

const storeOptions = { client: redis, prefix: env.SESSION_PREFIX || "sess:" };
if (env.SESSION_DISABLE_TTL === "1") storeOptions.disableTTL = true;

const app = express();
app.use(express.json());
app.use(
  session({
    store: new RedisStore(storeOptions),
    secret: secrets,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax", maxAge: shortMaxAge },
  }),
);
app.use(passport.session());

app.get("/health", (req, res) => res.json({ status: "ok" }));

app.post("/signup", async (req, res) => {
  const { email, password, display_name: displayName = null } = req.body;
  if (typeof email !== "string" || typeof password !== "string" || findUser("email", email) !== null) {
    return res.status(400).json({ error: "email taken or missing" });
  }
  const hash = await bcrypt.hash(password, bcryptCost);
  db.run("INSERT INTO users (email, display_name, password_hash) VALUES (?, ?, ?)", [email, displayName, hash]);
  save();
  res.status(201).json({ id: findUser("email", email).id });
});

app.post("/login", passport.authenticate("local", { failWithError: true }), (req, res) => {
  req.session.cookie.maxAge = req.body.remember ? THIRTY_DAYS_MS : shortMaxAge;
  res.json({ id: req.user.id, email: req.user.email });
});

app.get("/me", (req, res) => {
  if (!req.user) return res.status(401).json({ error: "not logged in" });
  res.json({ id: req.user.id, email: req.user.email });
});

app.post("/logout", (req, res, next) => {
  req.logout((error) => (error ? next(error) : res.status(204).end()));
});

app.use((error, req, res, next) => {
  res.status(error.status || 500).json({ error: error.message });
});

const server = app.listen(port, "127.0.0.1", () => console.log(`express app listening on 127.0.0.1:${port} `));
server.on("error", (error) => {
  console.error(error.code === "EADDRINUSE" ? "address already in use" : error.message);
  process.exit(1);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => redis.quit().finally(() => process.exit(0))));
}
