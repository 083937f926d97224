"""The reimbursement estimator on the client page: what the plan should pay back for a
visit and what the visit then costs the client, worked out as the figures are typed.

The allowed amount, the deductible left and the coinsurance are saved with the
client (they change only when the client brings news from the insurer); the fee
starts at the client's usual fee and is not saved, so "and for a longer session?"
can be asked without changing anything.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.domain.reimbursement import Estimate, estimate
from desktop.services.claims.estimates import (
    ClientEstimate,
    EstimateInput,
    estimate_problems,
    save_estimate,
)
from desktop.ui import style
from desktop.ui.dialogs.unit import parse_percent
from desktop.ui.formatting import money_text, percent_text
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.money_edit import MoneyEdit


def explain(result: Estimate) -> str:
    """The sum in words, so the client can follow it: the rule in DOMAIN.md."""
    counted = money_text(result.counted)
    share = percent_text(10000 - result.coinsurance_bp)
    if result.to_deductible:
        return (
            f"The plan counts {counted} (the lower of fee and allowed amount); "
            f"{money_text(result.to_deductible)} goes to the deductible; "
            f"it pays {share} of the rest."
        )
    return f"The plan counts {counted} (the lower of fee and allowed amount) and pays {share}."


class EstimatorBox(QGroupBox):
    def __init__(self, runner: ActionRunner) -> None:
        super().__init__("Reimbursement estimate")
        self.setObjectName("estimator")
        self.runner = runner
        self.client_id: int | None = None
        self.saved: EstimateInput | None = None
        outer = QVBoxLayout(self)
        outer.setSpacing(style.SPACING)
        layout = QFormLayout()
        layout.setVerticalSpacing(style.SPACING // 2)
        layout.setHorizontalSpacing(style.SPACING * 2)
        self.fee = MoneyEdit(optional=True, placeholder="The usual fee")
        self.fee.setObjectName("estimate_fee")
        self.allowed = MoneyEdit(optional=True, placeholder="From the insurer")
        self.allowed.setObjectName("estimate_allowed")
        self.deductible = MoneyEdit(optional=True, placeholder="What is left this year")
        self.deductible.setObjectName("estimate_deductible")
        self.coinsurance = QLineEdit()
        self.coinsurance.setObjectName("estimate_coinsurance")
        self.coinsurance.setPlaceholderText("The client's share, such as 30%")
        self.coinsurance.setMaxLength(7)
        layout.addRow("Fee per visit", self.fee)
        layout.addRow("Allowed amount", self.allowed)
        layout.addRow("Deductible remaining", self.deductible)
        layout.addRow("Coinsurance", self.coinsurance)
        self.reimbursement = QLabel()
        self.reimbursement.setObjectName("estimate_reimbursement")
        self.reimbursement.setFont(style.title_font(self.reimbursement.font(), 1.1))
        self.net_cost = QLabel()
        self.net_cost.setObjectName("estimate_net_cost")
        self.explanation = QLabel()
        self.explanation.setObjectName("estimate_explanation")
        self.explanation.setWordWrap(True)
        layout.addRow("Expected reimbursement", self.reimbursement)
        layout.addRow("Client's net cost", self.net_cost)
        outer.addLayout(layout)
        # Outside the form: a wrapped label in a form row does not grow to its lines.
        outer.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.problem = QLabel()
        self.problem.setObjectName("estimate_problem")
        self.problem.setWordWrap(True)
        buttons.addWidget(self.problem, 1)
        self.save_button = QPushButton("Save with the client")
        self.save_button.setObjectName("estimate_save")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        for edit in (self.fee, self.allowed, self.deductible, self.coinsurance):
            edit.textChanged.connect(lambda _text: self.recompute())

    # --- showing ---------------------------------------------------------------------------

    def show_estimate(self, found: ClientEstimate) -> None:
        """Show the client's saved figures (read with the rest of their page)."""
        self.client_id = found.client_id
        self._fill(found)

    def _fill(self, found: ClientEstimate) -> None:
        self.saved = found.saved
        self.fee.set_value(found.fee if found.fee else None)
        self.allowed.set_value(found.saved.allowed)
        self.deductible.set_value(found.saved.deductible_left)
        bp = found.saved.coinsurance_bp
        self.coinsurance.setText("" if bp is None else percent_text(bp))
        payer = found.payer or "the client's insurer"
        self.setToolTip(f"Figures from {payer}: ask the client to check their plan's benefits.")
        self.recompute()

    def clear(self) -> None:
        self.client_id = None
        self.saved = None
        for edit in (self.fee, self.allowed, self.deductible, self.coinsurance):
            edit.clear()

    # --- working it out --------------------------------------------------------------------

    def inputs(self) -> tuple[EstimateInput | None, str]:
        """What is typed, or the sentence saying what is wrong with it."""
        for edit in (self.fee, self.allowed, self.deductible):
            if edit.problem():
                return None, edit.problem()
        text = self.coinsurance.text().strip()
        coinsurance = parse_percent(text) if text else None
        if text and coinsurance is None:
            return None, "Enter the coinsurance as a percentage, such as 30."
        data = EstimateInput(self.allowed.value(), self.deductible.value(), coinsurance)
        problems = estimate_problems(data)
        return (None, next(iter(problems.values()))) if problems else (data, "")

    def current(self) -> Estimate | None:
        data, _ = self.inputs()
        fee = self.fee.value()
        if data is None or fee is None:
            return None
        if data.allowed is None or data.deductible_left is None or data.coinsurance_bp is None:
            return None
        return estimate(fee, data.allowed, data.deductible_left, data.coinsurance_bp)

    def recompute(self) -> None:
        data, problem = self.inputs()
        result = self.current()
        if result is None:
            self.reimbursement.setText("—")
            self.net_cost.setText("—")
            self.explanation.setText(
                "" if problem else "Enter the fee, allowed amount, deductible and coinsurance."
            )
        else:
            self.reimbursement.setText(money_text(result.reimbursement))
            self.net_cost.setText(money_text(result.net_cost))
            self.explanation.setText(explain(result))
        self.problem.setText(problem)
        changed = data is not None and data != self.saved
        self.save_button.setEnabled(self.client_id is not None and changed)

    def save(self) -> None:
        data, problem = self.inputs()
        if data is None or self.client_id is None:
            if problem:
                self.runner.interaction.show_error(self, problem)
            return
        saved = self.runner.run(save_estimate, self.client_id, data, parent=self)
        if saved is not None:
            self._fill(saved)
