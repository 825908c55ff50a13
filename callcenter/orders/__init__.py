"""Service orders: repairs, installations, maintenance and consultations (R7-R12)."""
