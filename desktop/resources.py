"""Where the files shipped beside the code are: the one place that knows both layouts.

``resources/`` sits at the top of a source checkout; the wheel and the standalone
app carry it as ``desktop/_resources`` (pyproject.toml, packaging/quietledger.spec).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (_HERE / "_resources", _HERE.parent / "resources")


def resource_path(*parts: str) -> Path:
    """The shipped file or folder ``resources/<parts>``; FileNotFoundError if absent."""
    for root in _CANDIDATES:
        path = root.joinpath(*parts)
        if path.exists():
            return path
    raise FileNotFoundError(f"{'/'.join(parts)} is missing from the application's resources.")
