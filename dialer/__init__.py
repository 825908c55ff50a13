"""The outbound follow-up dialer: due jobs, claiming, pacing, originate, write-back."""
