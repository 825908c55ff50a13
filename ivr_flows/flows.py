"""The follow-up call flows, one per job kind, and the rules every question follows.

Every question:
- plays its prompt, which says what each key means (R18: 4 very satisfied ... 1 very
  dissatisfied; product works 1 yes / 2 no);
- on a wrong key or silence says so and asks again, at most twice; still nothing after
  that ends the flow (a customer who does not answer three times is not listening);
- takes 9 at any time as "never call me again" (do-not-call), confirms it and ends;
- reports the answer at once (`AnswerSink`), so a hang-up or a crash of the service keeps
  what was answered: the survey is then partial, not lost.

| kind | questions |
|---|---|
| technician_survey (R14, R18) | attitude, skill, arrival_time, promises_kept (4-1); product_works |
| complaint_callback (R15) | solved (1/2), satisfaction (4-1) |
| delivery_check, warranty_check (R16) | product_works (1/2), wants_agent (1/2) |
| renewal_notice (R13) | the notice, then renewal_interest (1 = call me about renewing) |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ivr_flows.channel import CallerHungUp, Channel
from ivr_flows.prompts import PromptBook
from ivr_flows.result import AnswerSink, FlowResult

RATING_KEYS = "4321"  # R18, best first as the prompt reads them
YES_NO_KEYS = "12"
DO_NOT_CALL_KEY = "9"
MAX_REPEATS = 2
SURVEY_ITEMS = ("attitude", "skill", "arrival_time", "promises_kept")


@dataclass
class FlowContext:
    """One running flow: the call, the prompts, the settings, where answers go."""

    channel: Channel
    prompts: PromptBook
    answer_timeout_s: float
    sink: AnswerSink
    machine_detection: bool = False

    async def question(self, result: FlowResult, name: str, keys: str,
                       prompt: str | None = None, lead: tuple[str, ...] = ()) -> bool:
        """Ask one question (see the module rules); True once it is answered."""
        files = self.prompts.files(*lead, prompt or name)
        for attempt in range(1 + MAX_REPEATS):
            heard = files if attempt == 0 else self.prompts.files("invalid", prompt or name)
            key = await self.channel.ask(heard, self.answer_timeout_s)
            if key == DO_NOT_CALL_KEY:
                result.do_not_call = True
                await self.sink("do_not_call", 1)
                await self.channel.play(self.prompts.files("do_not_call"))
                return False
            if key is not None and key in keys:
                result.answers[name] = int(key)
                await self.sink(name, int(key))
                return True
        return False

    async def goodbye(self, result: FlowResult, *, agent_will_call: bool = False) -> None:
        names = ("agent_will_call", "goodbye") if agent_will_call else ("goodbye",)
        await self.channel.play(self.prompts.files(*names))


Script = Callable[[FlowContext, FlowResult], Awaitable[None]]


@dataclass(frozen=True)
class Flow:
    """A flow's questions (what "complete" means) and the script that asks them."""

    questions: tuple[str, ...]
    script: Script
    prompts: tuple[str, ...]


async def _survey(ctx: FlowContext, result: FlowResult) -> None:
    lead: tuple[str, ...] = ("survey_intro",)
    for item in SURVEY_ITEMS:
        if not await ctx.question(result, item, RATING_KEYS, lead=lead):
            return
        lead = ()
    if await ctx.question(result, "product_works", YES_NO_KEYS):
        await ctx.goodbye(result)


async def _complaint_callback(ctx: FlowContext, result: FlowResult) -> None:
    if not await ctx.question(result, "solved", YES_NO_KEYS, "complaint_solved",
                              lead=("complaint_intro",)):
        return
    if await ctx.question(result, "satisfaction", RATING_KEYS, "complaint_satisfaction"):
        await ctx.goodbye(result, agent_will_call=result.answers["solved"] == 2)


async def _delivery_check(ctx: FlowContext, result: FlowResult) -> None:
    if not await ctx.question(result, "product_works", YES_NO_KEYS, "delivery_works",
                              lead=("delivery_intro",)):
        return
    if await ctx.question(result, "wants_agent", YES_NO_KEYS):
        await ctx.goodbye(result, agent_will_call=result.answers["wants_agent"] == 1)


async def _renewal_notice(ctx: FlowContext, result: FlowResult) -> None:
    if await ctx.question(result, "renewal_interest", YES_NO_KEYS, lead=("renewal_notice",)):
        await ctx.goodbye(result, agent_will_call=result.answers["renewal_interest"] == 1)


_COMMON = ("invalid", "do_not_call", "goodbye", "agent_will_call")
FLOWS: dict[str, Flow] = {
    "technician_survey": Flow((*SURVEY_ITEMS, "product_works"), _survey,
                              ("survey_intro", *SURVEY_ITEMS, "product_works", *_COMMON)),
    "complaint_callback": Flow(("solved", "satisfaction"), _complaint_callback,
                               ("complaint_intro", "complaint_solved",
                                "complaint_satisfaction", *_COMMON)),
    "delivery_check": Flow(("product_works", "wants_agent"), _delivery_check,
                           ("delivery_intro", "delivery_works", "wants_agent", *_COMMON)),
    "renewal_notice": Flow(("renewal_interest",), _renewal_notice,
                           ("renewal_notice", "renewal_interest", *_COMMON)),
}
FLOWS["warranty_check"] = FLOWS["delivery_check"]


async def run_flow(flow: Flow, ctx: FlowContext) -> FlowResult:
    """Run `flow` to its end or to the hang-up; what was answered is always returned."""
    result = FlowResult(questions=flow.questions)
    try:
        if ctx.machine_detection and await ctx.channel.machine_detected():
            result.machine = True
            return result
        await flow.script(ctx, result)
    except CallerHungUp:
        result.hung_up = True
    return result


def check_prompts(prompts: PromptBook) -> None:
    """Refuse a catalogue that lacks a prompt some flow would play (start-up check)."""
    prompts.require({name for flow in FLOWS.values() for name in flow.prompts})


__all__ = ["FLOWS", "MAX_REPEATS", "SURVEY_ITEMS", "Flow", "FlowContext", "check_prompts",
           "run_flow"]
