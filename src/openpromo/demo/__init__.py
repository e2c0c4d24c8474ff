"""A demo tenant with realistic data, made through the domain services (``openpromo demo``)."""
