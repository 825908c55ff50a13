"""The overdue watch: reminders to owners and the managers' list of late records (R23)."""
