"""Dialogs: each edits one thing and calls one service through the action runner."""
