"""The audit log (R27): every read of a customer record and every change, who, when, what."""
