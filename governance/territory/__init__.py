"""Installing an EPCI from its SIREN, offline, from the list of every EPCI of France shipped in
``data/`` (see data/README.md for its sources and licence)."""
