"""The practice itself: its profile and settings, catalogues (services, payment methods,
payers), the provider's signature, and the passphrase."""
