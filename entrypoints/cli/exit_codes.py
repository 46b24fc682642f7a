"""What `tessera`'s exit status means, the same for every command (BSD sysexits.h where one fits)."""

OK = 0
REFUSED = 1
"""The command ran and said no: an unknown user, a bad password, a key that signs now; `db check` on a schema behind."""
USAGE = 2
"""The command line is wrong (argparse's own status)."""
UNAVAILABLE = 69
"""EX_UNAVAILABLE: the database cannot be reached or opened."""
CONFIG = 78
"""EX_CONFIG: a setting is wrong or missing (the line names the variable), or the schema needs `tessera db upgrade`."""
