"""The outbound follow-up dialer: due jobs, claiming, pacing, originate, write-back (R13-R20).

- `plans` / `planner`: outbox events → jobs (R13-R16, sampling R17), kept planned;
- `planning` / `decisions`: the pure rules (calling windows in the customer's zone, no call
  on a public holiday, retries spaced before the deadline, risk flags);
- `claim` / `reconcile`: one job per transaction with its attempt row, `FOR UPDATE SKIP
  LOCKED` on PostgreSQL, leases, interrupted or adopted attempts after a crash;
- `pacing`: caps on concurrent calls (global, per kind) and originates per second;
- `engine` / `calls` / `outcomes`: Originate, the PBX's answer, one outcome table;
- `agi`: the FastAGI bridge to the flows of `ivr_flows`; `finish` / `writeback`: the result
  on the records, exactly once; `satisfaction`: R19 figures;
- `control` / `preview` / `http` / `notify`: supervisors' control, agents' preview jobs, the
  hub; `service`: the app's cleanup_ctx entry.
"""
