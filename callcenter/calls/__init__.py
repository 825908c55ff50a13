"""Inbound calls: live tracking, the R1 service level and the call registry (R4)."""
