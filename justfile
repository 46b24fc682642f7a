set shell := ["bash", "-euo", "pipefail", "-c"]

# What `just test-fast` runs: no server of its own, no process, no whole app (pyproject.toml lists the markers)
fast := "not (postgres or redis or mysql or app or served or browser or scale or ha or bench)"

# List the recipes
default:
    @just --list

# Serve the API on the embedded default: a SQLite file and a dev signing key, both in this folder
run host="127.0.0.1" port="8000":
    uv run --locked tessera db upgrade
    uv run --locked tessera serve --host {{host}} --port {{port}} --workers 1

# Run the whole test suite, PostgreSQL included (a container, or a throwaway local cluster), the browser tests (Debian's Chromium), the legacy-session tests (Debian's redis-server and mariadb-server; Node.js and sqlite3 for the Express one), the failover and pgbouncer tests (Debian's patroni, etcd-server, haproxy, pgbouncer) and the container image (Debian's podman)
test *args:
    bash .ci/ensure-postgres
    bash .ci/ensure-chromium
    bash .ci/ensure-redis
    bash .ci/ensure-mariadb
    bash .ci/ensure-node
    bash .ci/ensure-ha
    bash .ci/ensure-podman --background
    uv run --locked pytest {{args}}

# A cluster on this machine: a throwaway PostgreSQL (`--ha`: etcd, Patroni over two synchronous PostgreSQL nodes, HAProxy to the primary), the migrations once, 3 replicas (`tessera serve --workers 2`, shared-key mode) and Debian's nginx round-robin on 127.0.0.1:8080 (`just cluster 9090`: another port); Ctrl-C stops it all
cluster *args="":
    uv run --locked python -m deploy.cluster {{args}}

# The fast tests of every capability, in process on memory and SQLite only (the markers of pyproject.toml): no PostgreSQL, MariaDB, Redis, Chromium or served process; Node runs bcryptjs for the foreign-hash tests (installed when missing)
test-fast *args:
    bash .ci/ensure-node
    uv run --locked pytest -m "{{fast}}" {{args}}

# Ruff, mypy (strict) and the import-linter layer contracts
lint:
    uv run --locked ruff check .
    uv run --locked ruff format --check .
    uv run --locked mypy
    uv run --locked lint-imports

# Format the code
fmt:
    uv run --locked ruff format .
    uv run --locked ruff check --fix .

# Measure tessera as API traffic reaches it, beside bare Litestar sent the same requests, JWTAuth and Redis sessions, and revocation across replicas (wrk, PostgreSQL; about 15 minutes), and write docs/performance.md
bench *args:
    uv sync --locked
    uv run --locked python -m benchmarks.run {{args}}

# The harness end to end in seconds (1 s runs, 1 round, 400 sessions, 20,000 tokens never seen, 10 logouts, 20 of each operation counted in PostgreSQL), its report and plots in /tmp
bench-smoke:
    uv sync --locked
    uv run --locked python -m benchmarks.run --seconds 1 --rounds 1 --sessions 400 --cold-tokens 20000 --revocations 10 --refresh-sessions 400 --breakdown-refreshes 20 --db-operations 20 --out /tmp/tessera-bench/performance.md
