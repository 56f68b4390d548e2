#!/usr/bin/env bash
# The test command of the README: installs what a fresh machine lacks, then runs every test project of
# the solution (unit tests, and integration tests that start the whole cluster on Garnet and on
# redis-server through the AppHost). Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh
# The failover tests (the replicated topology: a primary, two replicas, three Sentinels) are built here, so that they
# cannot rot, and run on their own (bash bench/failover.sh): they passed 3 of their last 5 runs (two causes fixed since,
# one not proven: docs/performance.md), and a test that fails so often would make this command fail for no fault of the
# change under test (docs/architecture.md).
dotnet build tests/AspireKv.FailoverTests -nologo -v q
dotnet test --solution AspireKv.sln "$@"
