"""Out-of-network claims: following each superbill's claim until it is closed, the
follow-up queue, what each payer really pays, and the reimbursement estimator."""
