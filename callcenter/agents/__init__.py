"""Agents at work: their live state as the PBX reports it, screen-pops, wrap-up."""
