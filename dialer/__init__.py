"""The outbound follow-up dialer, beside the core: due jobs, claiming, pacing, originate,
write-back (R13-R20).

It owns its jobs, attempts and pause switch (`models`) and reaches customers, complaints,
contracts, survey results and promised call-backs only through those packages' functions
(`customers.queries`, `complaints.follow_ups`, `followups.surveys`, `followups.outbox`,
`agents.callbacks`), never their tables. The core imports it only where the app is composed.

- `event_jobs`: which jobs a business event creates (R13-R16, sampling R17), pure;
- `planning_pass`: outbox events → jobs, and pending jobs' next slots kept right;
- `calling_windows` / `after_attempt`: the pure rules (calling windows in the customer's
  zone, no call on a public holiday, retries spaced before the deadline, risk flags; what
  becomes of a job after an attempt);
- `claim` / `reconcile`: one job per transaction with its attempt row, `FOR UPDATE SKIP
  LOCKED` on PostgreSQL, leases, interrupted or adopted attempts after a crash;
- `pacing`: caps on concurrent calls (global, per kind) and originates per second;
- `engine` / `attempt_calls` / `outcomes`: Originate, the PBX's answer about each attempt
  (from the live-state owner's records), one outcome table;
- `agi`: the FastAGI bridge to the flows of `ivr_flows`; `finish` / `writeback`: the result
  on the records, exactly once; `satisfaction`: R19 figures;
- `control` / `preview` / `http` / `notify`: supervisors' control, agents' preview jobs, the
  hub; `context`: the app's cleanup_ctx entry and app keys.
"""
