"""Composition root: paths, the command line, and (later) the window.

Nothing below this package knows how the app is started; everything here only
wires services to a user interface and has no bookkeeping logic of its own.
"""
