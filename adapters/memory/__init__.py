"""The in-memory store (`memory://`, one process) and the in-memory fakes the tests use: every
storage port, kept in dictionaries. What a process keeps beside its storage is in `adapters/process/`."""
