"""Returns: verified ingest of authorities' returns, receipts, agreements, the tracker."""
