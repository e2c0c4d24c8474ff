"""HTTP plumbing shared by every domain's ``endpoints.py``: auth, units of work, errors, ops."""
