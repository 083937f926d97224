"""Start the window: choose the practice file, unlock it, show the main window.

The passphrase comes from QUIETLEDGER_PASSPHRASE when set (and is then wiped
from the environment), ``demo`` for the demo practice, or the unlock dialog.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from db import keys
from desktop.app import paths
from desktop.domain.kinds import BillingPreference, Relationship
from desktop.services import catalog, clients
from desktop.services.errors import ServiceError
from desktop.services.practice import Profile, create_practice
from desktop.services.workspace import Workspace

DEMO_PASSPHRASE = "demo"
Opener = Callable[[str | None, str | None], Workspace]


def run_gui(path: Path | None, demo: bool) -> int:
    """Run the window until it is closed; the exit status for the command line."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.ui import style
    from desktop.ui.dialogs.unlock import UnlockDialog
    from desktop.ui.interaction import DialogInteraction
    from desktop.ui.main_window import MainWindow
    from desktop.ui.runner import ActionRunner

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Quiet Ledger")
    app.setOrganizationName("QuietLedger")
    style.apply(app)

    practice = paths.demo_practice_path() if demo else (path or paths.default_practice_path())
    if demo and not practice.exists():
        create_demo_practice(practice)
    if not practice.exists():
        QMessageBox.warning(
            None,
            "Quiet Ledger",
            f"There is no practice file at {practice}. Create one with "
            "“quietledger init”, or open the demo with “quietledger --demo”.",
        )
        return 1

    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(practice, passphrase=passphrase, recovery_key=recovery_key)

    label = f"Demo practice (made-up clients) — {practice}" if demo else str(practice)
    workspace, message = _open_without_asking(opener, demo)
    if workspace is None:
        dialog = UnlockDialog(opener, label, message=message)
        if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.workspace is None:
            return 0
        workspace = dialog.workspace
    interaction = DialogInteraction()
    runner = ActionRunner(workspace, interaction)
    window = MainWindow(runner, opener, label, interaction)
    window.show()
    try:
        return app.exec()
    finally:
        if runner.workspace is not None:
            runner.workspace.close()


def _open_without_asking(opener: Opener, demo: bool) -> tuple[Workspace | None, str]:
    """Open with the environment's passphrase (or the demo's), else say why not."""
    passphrase = os.environ.get("QUIETLEDGER_PASSPHRASE") or (DEMO_PASSPHRASE if demo else None)
    keys.wipe_env_passphrase()
    if not passphrase:
        return None, ""
    try:
        return opener(passphrase, None), ""
    except ServiceError as exc:
        return None, str(exc)


def create_demo_practice(path: Path) -> None:
    """A small practice of made-up clients, so the window has something to show."""
    with Workspace.create(path, DEMO_PASSPHRASE, allow_weak=True) as ws:
        ws.run(
            create_practice,
            Profile(
                practice_name="Demo Counseling (made-up data)",
                provider_name="Jordan Demo",
                credentials="LMFT",
                npi="1234567893",
                ein="12-3456789",
                license_number="LMFT 00000",
                license_state="NY",
                taxonomy="106H00000X",
                address="1 Example Street",
                city="Albany",
                state="NY",
                zip="12207",
                phone="(518) 555-0100",
            ),
            user_name="Jordan Demo",
        )
        payer = ws.run(catalog.create_payer, catalog.PayerInput("Example Health Plan"))
        services = {s.code: s.id for s in ws.read(catalog.list_services)}

        def person(first: str, last: str, born: date, **extra: object) -> int:
            data = clients.ClientInput(
                legal_first_name=first,
                legal_last_name=last,
                date_of_birth=born,
                default_service_id=services["90837"],
                **extra,  # type: ignore[arg-type]
            )
            return ws.run(clients.create_client, data).id

        insured = {
            "billing": BillingPreference.SUPERBILL,
            "payer_id": payer.id,
            "member_id": "EX123456789",
        }
        alex = person("Alex", "Rivera", date(1988, 4, 2), **insured)
        sam = person("Sam", "Rivera", date(1990, 9, 17), preferred_name="Sammy")
        person("Morgan", "Lee", date(1979, 1, 23), default_fee=Decimal("160.00"))
        taylor = person(
            "Taylor",
            "Brooks",
            date(2007, 6, 30),
            subscriber_relationship=Relationship.CHILD,
            subscriber_name="Dana Brooks",
            subscriber_date_of_birth=date(1975, 2, 11),
            **insured,
        )
        ws.run(
            clients.create_couple,
            clients.CoupleInput(
                members=(clients.MemberShare(alex, 5000), clients.MemberShare(sam, 5000)),
                identified_patient_id=alex,
                default_service_id=services["90847"],
            ),
        )
        ws.run(clients.add_diagnosis, alex, "F43.23", date(2025, 1, 6), 1)
        ws.run(clients.add_diagnosis, alex, "Z63.0", date(2025, 1, 6), 2)
        ws.run(clients.add_diagnosis, taylor, "F41.1", date(2025, 2, 3), 1)
        _demo_sessions(ws)


def _demo_sessions(ws: Workspace) -> None:
    """Weekly sessions over the last two months; most paid, some owing, one paid ahead."""
    from desktop.services.payments import PaymentInput, record_payment
    from desktop.services.sessions import SessionInput, record_session

    card = ws.read(catalog.list_payment_methods)[0].id
    today = date.today()
    units = ws.read(clients.list_units)
    for offset, unit in enumerate(units):
        code = "90847" if unit.kind != "individual" else "90837"
        for week in range(8, 0, -1):
            day = today - timedelta(days=week * 7 + offset)
            row = ws.run(record_session, SessionInput(unit.unit_id, day, code))
            # The last two sessions of every other unit are still owed.
            if week > 2 or offset % 2 == 0:
                ws.run(record_payment, PaymentInput(unit.unit_id, day, row.fee, card))
    ws.run(record_payment, PaymentInput(units[-1].unit_id, today, Decimal("100.00"), card))
