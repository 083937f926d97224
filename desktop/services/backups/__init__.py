"""Backups: one encrypted, verified file each, rotated; restoring one into a new file."""
