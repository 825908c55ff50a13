"""The site calendar (R2 and every working-day deadline): what an administrator adds to the
maintained holiday calendar, and the one live copy of it the service reads.

It owns two tables (a year's State Council notice entered in full, and single days: notice
holidays, make-up working days and the site's own exceptions), the store that reads and
writes them, the `CalendarBook` that keeps the current `WorkingCalendar` for the rest of the
service, and the API and CLI an administrator uses.
"""
