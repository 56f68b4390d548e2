#!/usr/bin/env bash
# The test command of the README: installs what a fresh machine lacks, then runs every test project of
# the solution (unit tests, and integration tests that start the whole cluster on Garnet and on
# redis-server through the AppHost), then the failover tests. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh
dotnet test --solution AspireKv.sln "$@"
# The failover tests (the replicated topology: a primary, two replicas, three Sentinels) start a cluster of their own,
# so they run after the solution's tests, not beside the integration tests' clusters on two cores.
dotnet test --project tests/AspireKv.FailoverTests "$@"
