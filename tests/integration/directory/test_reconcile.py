import pytest

from callcenter.directory.reconcile import reconcile
from callcenter.directory.schemas import AgentSpec, QueueSpec
from callcenter.directory.service import DirectoryService
from callcenter.events import QueueMemberSnapshot, QueueSnapshot
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration


def member(queue: str, interface: str, name: str) -> QueueMemberSnapshot:
    return QueueMemberSnapshot(queue, interface, name, status=1, paused=False,
                               paused_reason="", in_call=False)


PBX = (
    QueueSnapshot("hotline", "rrmemory", (member("hotline", "PJSIP/5001", "Li Na"),
                                           member("hotline", "PJSIP/5002", "agent5002")), ()),
    QueueSnapshot("vip", "ringall", (member("vip", "PJSIP/5001", "Li Na"),), ()),
)


async def test_pbx_queues_and_members_missing_from_directory_are_listed_and_added(
    db: Database,
) -> None:
    directory = DirectoryService(db)
    await directory.put_queue(QueueSpec("hotline", "Hotline"))
    await directory.put_queue(QueueSpec("retired", "Old queue"))
    await directory.put_agent(AgentSpec("li.na", "李娜", interfaces=("PJSIP/5001",)))

    report = await reconcile(directory, PBX)

    assert report.queues_missing_from_directory == ("vip",)
    assert [m.interface for m in report.members_missing_from_directory] == ["PJSIP/5002"]
    assert report.directory_queues_missing_on_pbx == ("retired",)
    assert (await directory.get_queue("vip")).source == "pbx"
    assert directory.agent_for_interface("PJSIP/5002") == "agent5002"
    assert directory.agent_for_interface("PJSIP/5001") == "li.na"

    again = await reconcile(directory, PBX)
    assert again.queues_missing_from_directory == ()
    assert again.members_missing_from_directory == ()


async def test_reconcile_without_apply_only_lists(db: Database) -> None:
    directory = DirectoryService(db)
    report = await reconcile(directory, PBX, apply=False)
    assert report.queues_missing_from_directory == ("hotline", "vip")
    assert await directory.list_queues() == []
