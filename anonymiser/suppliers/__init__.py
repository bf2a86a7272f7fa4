"""Suppliers and providers as authorities name them: telling a private person from an organisation.

A supplier who is a private individual (a carer, a foster carer, a sole trader
trading under their own name) is personal data: their name must never leave
the authority. :func:`classify` flags them so that the name can be redacted.
"""

from __future__ import annotations

from anonymiser.suppliers.individuals import SupplierLists, classify, load_supplier_lists

__all__ = ["SupplierLists", "classify", "load_supplier_lists"]
