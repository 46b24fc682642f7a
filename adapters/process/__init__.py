"""What each process keeps for itself, and tells the sibling workers of its `tessera serve`: the
revocation view, the profile cache, the messages between workers. Not storage: that is `adapters/sql/`
(or `adapters/memory/`, the in-memory store of `memory://` and the tests)."""
