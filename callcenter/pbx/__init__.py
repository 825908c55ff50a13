"""The PBX the service talks to; ``bench`` runs a real Asterisk for development and tests."""
