"""Small reusable editors and form helpers."""
