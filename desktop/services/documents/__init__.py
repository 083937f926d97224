"""Paper for clients: superbills, statements and receipts, checked, numbered, and stored
exactly as issued."""
