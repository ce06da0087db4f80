"""Casebook: training and case-study knowledge base for customer-service community groups."""

__version__ = "0.1.0"
