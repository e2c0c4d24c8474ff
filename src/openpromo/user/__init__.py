"""Admin UI users: e-mail + password login, roles admin / editor / viewer."""
