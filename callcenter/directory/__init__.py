"""Directories of queues (with their R1 rules and R3 greetings) and agents (with their
interfaces), which the rest of the product refers to, kept in line with the PBX (`reconcile`)."""
