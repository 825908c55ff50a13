"""The complaint ledger (R20-R23): numbering, severity, escalation, deadlines."""
