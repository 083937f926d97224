"""The books: sessions and their charges, payments, credit, write-offs, refunds, voids,
the double-entry ledger under them, and the questions asked of it (balances, aging)."""
