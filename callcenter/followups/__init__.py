"""Events that start follow-up clocks (the outbox) and survey results (R13-R18): the tables,
and the functions (`outbox`, `surveys`) through which the dialer and reports read and write them."""
