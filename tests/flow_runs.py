"""What one flow run left on the test Prefect API: its artifacts and its task runs, never another run's.

The session shares one API (conftest's ``prefect_harness``) and every run of a flow publishes under the
same artifact keys ("localize-summary", ...): a read by key alone returns the artifacts of every run of the
session, in Prefect's default order (by random UUID), so a test would check another test's run. Tests run
a flow with ``return_state=True`` and read back through the run id its state carries.
"""

import asyncio


def read(query):
    """`query(client)` awaited on a fresh client of the current API."""
    from prefect.client.orchestration import get_client

    async def run():
        async with get_client() as client:
            return await query(client)

    return asyncio.run(run())


def run_artifacts(state, key: str | None = None, kind: str | None = None) -> list:
    """The artifacts the run of `state` published (with `key`, of type `kind`), newest first."""
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
        ArtifactFilterType,
    )
    from prefect.client.schemas.sorting import ArtifactSort

    flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
                         key=ArtifactFilterKey(any_=[key]) if key else None,
                         type=ArtifactFilterType(any_=[kind]) if kind else None)
    return read(lambda c: c.read_artifacts(artifact_filter=flt, sort=ArtifactSort.CREATED_DESC))


def run_tasks(state) -> list:
    """The task runs of the run of `state`."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flt = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
    return read(lambda c: c.read_task_runs(flow_run_filter=flt))
