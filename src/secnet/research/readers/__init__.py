"""Readers for research data files in their official formats (ATOP, COW), as researchers download them."""
