"""Pure domain rules of the hotline: calendars, deadlines, numbering, statuses, surveys.

Nothing in this package does I/O, touches the database or reads the clock: every instant
is passed in as a timezone-aware `datetime`, so the rules test without fixtures and give
the same answer in a web handler, a scheduler job or a report. Rule ids (R7, R21, ...)
refer to /work/shared/DOMAIN.md.
"""
