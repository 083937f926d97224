"""Good Faith Estimates (No Surprises Act, 45 CFR 149.610) for self-pay clients.

Every client of the practice pays privately (superbill clients claim later,
themselves), so every one is owed an estimate. ``drafts`` proposes one from the
client's usual service and fee, ``checks`` says in sentences what must be fixed
before it can be issued, ``issue`` issues and corrects it (a numbered document,
GFE-2026-0001, kept exactly as given; a correction is a new version),
``meter`` compares what was billed with the estimate, ``follow`` says which
estimates need action, and ``tables`` is ``quietledger report gfe``.
"""
