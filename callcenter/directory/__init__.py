"""Directories of queues and agents that the rest of the product refers to."""
