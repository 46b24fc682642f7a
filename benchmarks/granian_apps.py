"""ASGI targets for granian (which imports an app by name): the baselines, built as `baseline_app` builds them.

`redis` reads its server's URL from TESSERA_BENCH_REDIS_URL, set by the harness."""

import os

from benchmarks.baseline_app import build

bare = build("bare")
jwt = build("jwt")
redis = build("redis", os.environ.get("TESSERA_BENCH_REDIS_URL"))
