"""The regional hub: verifies and stores returns, builds the regional picture."""
