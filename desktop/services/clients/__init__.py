"""Clients, their couples and families (billing units), and their diagnoses."""
