"""`callcenter agents`: the agents the directory knows, so that an administrator can link an
account to one (`callcenter account add NAME --role agent --agent ID`)."""

from __future__ import annotations

import argparse
import asyncio

from callcenter.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("agents", help="list the directory's agents (ids to link accounts to)"
                   ).set_defaults(run=list_agents)


def list_agents(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.directory.service import DirectoryService
    from callcenter.schema import migrate
    from callcenter.storage.database import open_database

    async def rows() -> list[tuple[str, str, str, str]]:
        db = open_database(settings.database_url)
        try:
            agents = await DirectoryService(db).list_agents()
        finally:
            await db.dispose()
        return [(a.id, a.display_name, ", ".join(i.interface for i in a.interfaces),
                 a.source) for a in agents]

    migrate.upgrade(settings.database_url)
    found = asyncio.run(rows())
    if not found:
        print("no agents in the directory yet: the service adds the PBX's queue members when "
              "it connects (bash scripts/run.sh), or an administrator adds them "
              "(POST /api/agents)")
        return 0
    width = max(len(agent_id) for agent_id, *_ in found)
    print(f"{'ID':{width}}  NAME / INTERFACES / SOURCE")
    for agent_id, name, interfaces, source in found:
        print(f"{agent_id:{width}}  {name} / {interfaces} / {source}")
    print("link an account: callcenter account add USER --role agent --agent ID")
    return 0
