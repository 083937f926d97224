"""The "to complete" list: who lacks what a superbill or an estimate needs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from desktop.domain.kinds import BillingPreference, Relationship
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.clients.people import (
    ClientInput,
    create_client,
    get_client_detail,
    set_active,
    update_client,
)
from desktop.services.clients.readiness import clients_to_complete, to_complete_table
from desktop.services.practice import catalog
from desktop.services.transfer.importing import ImportKind, run_import
from desktop.services.workspace import Workspace
from tests.paths import FIXTURES

COMPLETE = {
    "legal_first_name": "Ada",
    "date_of_birth": date(1988, 4, 12),
    "address": "12 Elm St",
    "city": "Albany",
    "state": "NY",
    "zip": "12207",
}


def test_a_simplepractice_import_lists_every_client_and_what_they_lack(
    workspace: Workspace,
) -> None:
    workspace.run(
        run_import,
        ImportKind.SIMPLEPRACTICE,
        FIXTURES / "import" / "simplepractice_appointment_status.csv",
    )
    listed = {c.client_ref: c.missing for c in workspace.read(clients_to_complete)}
    assert listed == {
        "SP-MARLOW-TENNANT": ("date of birth", "address"),
        # Juniper gets superbills (Aetna): the member ID and a diagnosis are needed too.
        "SP-OKONKWO-JUNIPER": ("date of birth", "address", "member ID", "diagnosis"),
    }
    table = workspace.read(to_complete_table)
    assert table.rows[0] == (  # by last name
        "SP-OKONKWO-JUNIPER",
        "Juniper Okonkwo",
        "superbill",
        "date of birth; address; member ID; diagnosis",
    )


def test_a_client_drops_off_once_complete(workspace: Workspace) -> None:
    aetna = workspace.run(catalog.create_payer, catalog.PayerInput("Aetna", "60054")).id
    kid = workspace.run(
        create_client,
        ClientInput(
            client_ref="K-1",
            legal_last_name="Park",
            billing=BillingPreference.SUPERBILL,
            legal_first_name="Milo",
            subscriber_relationship=Relationship.CHILD,
            subscriber_name="Dana Park",
        ),
    )
    private = workspace.run(create_client, ClientInput(client_ref="P-1", legal_last_name="Vale"))
    [first, second] = workspace.read(clients_to_complete)
    assert (first.client_ref, first.missing) == (
        "K-1",
        ("date of birth", "address", "insurer", "member ID", "diagnosis"),
    )
    assert first.sentence == "Add the date of birth, address, insurer, member ID and diagnosis."
    assert (second.client_ref, second.missing) == (
        "P-1",
        ("legal first name", "date of birth", "address"),
    )
    assert first.unit_id == kid.unit_id
    data = replace(workspace.read(get_client_detail, kid.id).data, **COMPLETE)
    workspace.run(update_client, kid.id, replace(data, payer_id=aetna, member_id="W1"))
    workspace.run(add_diagnosis, kid.id, "F41.1", date(2025, 1, 1), 1)
    workspace.run(set_active, private.id, False)  # inactive clients are not listed
    assert workspace.read(clients_to_complete) == []
