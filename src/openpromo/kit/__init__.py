"""Generic, domain-free helpers. Imports only the standard library and third-party packages."""
