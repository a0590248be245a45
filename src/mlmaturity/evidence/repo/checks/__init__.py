"""Repository checks, one module per theme; each check is one small registered function."""
