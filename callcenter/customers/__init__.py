"""Customers, their phone numbers, products and maintenance contracts, and the screen-pop
lookup (R5, R6, R9, R13, R23, R27)."""
