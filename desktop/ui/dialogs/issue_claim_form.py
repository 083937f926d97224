"""Issuing a CMS-1500 claim form: the superbill dialog's check and acknowledgment, plus a
choice of print (the whole form on plain paper, or the data alone for the red form)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QWidget

from desktop.services.clients.units import UnitRow
from desktop.services.documents import claim_forms
from desktop.ui.dialogs.issue_superbill import IssueSuperbillDialog
from desktop.ui.runner import ActionRunner, Outcome


class IssueClaimFormDialog(IssueSuperbillDialog):
    """Choose a client, From and To, and the print; check, acknowledge, issue."""

    noun = "claim form"

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        units: list[UnitRow],
        *,
        start: date,
        end: date,
        unit_id: int | None = None,
    ) -> None:
        self.data_only = QCheckBox("Data only (pre-printed form)")
        super().__init__(parent, runner, units, start=start, end=end, unit_id=unit_id)
        self.setWindowTitle("Issue a CMS-1500 claim form")
        self.data_only.setObjectName("claim_form_data_only")
        self.data_only.setToolTip(
            "Print only the data, to land in the boxes of the red CMS-1500 form; move it for "
            "your printer under Settings › Preferences › CMS-1500 printer offset."
        )
        self.form.addRow("Print", self.data_only)
        self.issue_button.setObjectName("issue_claim_form")

    def _check(self, chosen: tuple[int, date, date]) -> Outcome[Any]:
        return self.runner.attempt_read(claim_forms.check, *chosen)

    def _issue(self, chosen: tuple[int, date, date], accepted: list[str]) -> Outcome[Any]:
        return self.runner.attempt(
            claim_forms.issue_claim_form,
            *chosen,
            data_only=self.data_only.isChecked(),
            acknowledge=accepted,
        )
