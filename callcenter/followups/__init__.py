"""Events that start follow-up clocks (the outbox) and survey results (R13-R18)."""
