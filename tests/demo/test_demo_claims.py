"""The demo's claims: started by issuing, one per superbill (or per line), many statuses."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from desktop.app.demo_file import create_demo_file
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.services.claims import tracking as claims
from desktop.services.workspace import Workspace

END = date(2026, 10, 15)


def test_demo_claims_have_no_duplicates_and_tell_payers_apart(tmp_path: Path) -> None:
    path = tmp_path / "demo.qlb"
    create_demo_file(path, seed=3, years=1, clients=14, end=END)
    ws = Workspace.open(path, passphrase=DEMO_PASSPHRASE)
    try:
        rows = ws.read(claims.list_claims, today=END)
        untracked = ws.read(claims.untracked_superbills)
    finally:
        ws.close()
    number = {r.id: r.superbill.split()[0] for r in rows}
    followed = Counter((number[r.id], r.line_no) for r in rows)
    assert [key for key, count in followed.items() if count > 1] == []
    shapes: dict[str, set[bool]] = {}
    for r in rows:
        shapes.setdefault(number[r.id], set()).add(r.line_no is None)
    assert all(len(shape) == 1 for shape in shapes.values())  # whole, or every line apart
    # The payer that pays lines separately has its claims by line; the others whole.
    assert {r.line_no is not None for r in rows if r.payer == "UnitedHealthcare"} == {True}
    assert {r.line_no is None for r in rows if r.payer != "UnitedHealthcare"} == {True}
    assert [u for u in untracked if u.payer is not None] == []
    assert len({r.status for r in rows}) >= 6
