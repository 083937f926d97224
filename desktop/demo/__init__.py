"""The demo practice: invented clients and a few years of their books, made by the
practice's own use cases. Only the app imports it."""
