"""The size of the demo practice the window makes on first launch (a module of its own,
so the command line can show it without loading the demo)."""

# Big enough to show every page at work, small enough to be written in seconds;
# ``quietledger demo --years 10 --clients 300`` makes a ten-year practice.
DEFAULT_YEARS = 2
DEFAULT_CLIENTS = 30
