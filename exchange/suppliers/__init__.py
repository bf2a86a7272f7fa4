"""Supplier identity across authorities: one regional identity per provider.

Councils name the same provider differently ("Alphatrack Systems Ltd", "Alphatrack
Systems Limited") and give identifiers (CQC location id, Ofsted URN, Companies House
number) only sometimes. :func:`~exchange.suppliers.resolve.resolve_suppliers` maps each
observation to a regional supplier — identifiers first, then normalised names
(:mod:`~exchange.suppliers.normalise`) — and proposes fuzzy matches
(:mod:`~exchange.suppliers.matching`) that the regional lead confirms or rejects
(:mod:`~exchange.suppliers.decisions`, the ``/suppliers/review`` page).
"""
