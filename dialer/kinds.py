"""The dialer's vocabulary: job kinds, job states, attempt outcomes (and the flows' outcome).

Kept free of I/O so that the planning rules, the outcome table and the flows share the same
names with the database and the API.
"""

from __future__ import annotations

from enum import StrEnum

from ivr_flows.result import FlowOutcome


class JobKind(StrEnum):
    """What a follow-up call is for, with the rule it keeps."""

    TECHNICIAN_SURVEY = "technician_survey"  # R14 call-back after repair, R18 survey
    COMPLAINT_CALLBACK = "complaint_callback"  # R15
    DELIVERY_CHECK = "delivery_check"  # R16 first call within a month of delivery
    WARRANTY_CHECK = "warranty_check"  # R16 second call in the warranty's last two months
    RENEWAL_NOTICE = "renewal_notice"  # R13
    AGENT_CALLBACK = "agent_callback"  # R6 promised call-back; any "call me" from a flow


class JobMode(StrEnum):
    """AUTO jobs are dialled by the dialer into a flow; PREVIEW jobs wait for an agent."""

    AUTO = "auto"
    PREVIEW = "preview"


class JobState(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or, preview, for an agent)
    DIALLING = "dialling"  # claimed under a lease, one attempt in flight (preview: taken)
    DONE = "done"  # the customer was reached; `result` says how it went
    FAILED = "failed"  # attempts used up, invalid number, or no number at all
    SKIPPED = "skipped"  # do-not-call, or left out by sampling (R17)
    CANCELLED = "cancelled"  # by a supervisor, or superseded by a newer event

    @property
    def final(self) -> bool:
        return self not in (JobState.PENDING, JobState.DIALLING)


class Outcome(StrEnum):
    """How one attempt ended on the telephone network (one table maps PBX codes to these)."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    CONGESTION = "congestion"
    INVALID_NUMBER = "invalid_number"
    FAILED = "failed"  # the network or the flow service failed; not a survey
    MACHINE = "machine"  # answering-machine detection (off by default)
    INTERRUPTED = "interrupted"  # lost in a service crash; still counts as an attempt

    @property
    def retry(self) -> bool:
        """Worth another attempt; an invalid number never is, an answered call is done."""
        return self not in (Outcome.ANSWERED, Outcome.INVALID_NUMBER)


__all__ = ["FlowOutcome", "JobKind", "JobMode", "JobState", "Outcome"]
