"""What a payer has done with the practice's claims, in a sentence to tell a new client."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.claims.insights import PayerInsight
from desktop.ui import style
from desktop.ui.formatting import money_text


def _percent(fraction: object) -> str:
    return f"{fraction * 100:.0f}%"  # type: ignore[operator]


def _claims(count: int) -> str:
    return f"{count} claim{'s' if count != 1 else ''}"


def insight_text(insight: PayerInsight | None, name: str) -> str:
    """The payer's history in plain words; "no history yet" when it has no claims."""
    if insight is None or insight.claims == 0:
        return f"No history yet with {name}: no claims so far."
    if insight.decided == 0:
        return f"{insight.payer}: {_claims(insight.claims)}, none answered yet."
    parts = [f"{insight.payer}: {_claims(insight.claims)}"]
    if insight.share_reimbursed is not None:
        parts.append(
            f"reimbursed {_percent(insight.share_reimbursed)} of the amount billed "
            f"({money_text(insight.reimbursed)} of {money_text(insight.billed)})"
        )
    if insight.median_days_to_pay is not None:
        parts.append(f"paid in a median {insight.median_days_to_pay} days after submission")
    if insight.denial_rate is not None:
        denied = f"denied {_percent(insight.denial_rate)}"
        if insight.denial_reasons:
            denied += f", most often for {insight.reasons_text.lower()}"
        parts.append(denied)
    return "; ".join(parts) + "."


class PayerHistoryLabel(QLabel):
    """A quiet, wrapped line under a payer field; hidden while no payer is chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payer_history")
        self.setWordWrap(True)
        self.setFont(style.small_font(self.font()))
        self.hide()

    def show_insight(self, insight: PayerInsight | None, name: str | None) -> None:
        if name is None:
            self.clear()
            self.hide()
            return
        self.setText(insight_text(insight, name))
        self.show()
