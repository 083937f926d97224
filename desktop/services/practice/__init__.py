"""The practice itself: its profile and settings, catalogs (services, payment methods,
payers), the provider's signature, and the passphrase."""
