"""``python -m desktop``: the same as the ``quietledger`` command."""

from __future__ import annotations

from desktop.app.launch import main

raise SystemExit(main())
