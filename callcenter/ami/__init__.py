"""The AMI adapter: the only code in the project that speaks AMI (and imports panoramisk).

Everything outside this package sees typed events (`callcenter.events`), `AmiLink` for the
live connection and actions, and the product's own errors. See `link.py` for the lifecycle,
`frames.py` and `translate.py` for the hot path, `recorder.py` for transcripts.
"""

from callcenter.ami.consumer import EventConsumer
from callcenter.ami.counters import Counters
from callcenter.ami.errors import AmiActionFailed, AmiActionTimeout, AmiError, AmiNotConnected
from callcenter.ami.frames import Frame, FrameParser, chan_variables, header_values
from callcenter.ami.link import AmiLink, LinkState
from callcenter.ami.protocol import ActionResult, Headers
from callcenter.ami.recorder import Recorder, Transcript, read_transcript, record, replay
from callcenter.ami.snapshot import build_snapshot
from callcenter.ami.translate import ALWAYS_WANTED, Translator, ami_event_names

__all__ = [
    "ALWAYS_WANTED",
    "ActionResult",
    "AmiActionFailed",
    "AmiActionTimeout",
    "AmiError",
    "AmiLink",
    "AmiNotConnected",
    "Counters",
    "EventConsumer",
    "Frame",
    "FrameParser",
    "Headers",
    "LinkState",
    "Recorder",
    "Transcript",
    "Translator",
    "ami_event_names",
    "build_snapshot",
    "chan_variables",
    "header_values",
    "read_transcript",
    "record",
    "replay",
]
