"""The audit log: append-only, hash-chained; reading it back; checking a practice file."""
