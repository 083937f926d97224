"""Migration 0008 on books with clients and documents: sex added blank, the new kind allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client
from desktop.services.documents import claim_forms
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from tests.db.test_estimates_migration import migrate
from tests.services.documents.test_claim_form_service import FEB_1, FEB_28, ISSUED, february


def test_0008_adds_sex_and_the_claim_form_kind_and_goes_back(workspace: Workspace) -> None:
    unit = workspace.run(february)
    migrate(workspace, "downgrade", "0006")
    migrate(workspace, "upgrade", "head")
    assert workspace.read(lambda s: list(s.scalars(select(Client.sex)))) == [""]
    issued = workspace.run(
        claim_forms.issue_claim_form, unit, FEB_1, FEB_28, acknowledge=True, issued_on=ISSUED
    )
    assert issued.number == "CF-2026-0001"

    def odd_sex(session: Session) -> None:
        session.scalars(select(Client)).one().sex = "Q"
        session.flush()

    with pytest.raises(ServiceError, match="ck_clients_sex_valid"):
        workspace.run(odd_sex)
    with pytest.raises(RuntimeError, match="CMS-1500"):
        migrate(workspace, "downgrade", "0006")
