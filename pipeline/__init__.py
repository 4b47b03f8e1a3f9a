"""Negotiation packets: client cases in, one printable PDF packet per borrower out."""

__version__ = "0.1.0"
