"""Demo data for `callcenter seed-demo`: deterministic customers, orders, complaints
and past calls."""
