#!/usr/bin/env bash
# The test command of the README: installs what a fresh machine lacks, then runs every test project of
# the solution (unit tests, and integration tests that start the whole cluster on Garnet and on
# redis-server through the AppHost). Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh
# The failover tests are run on their own (docs/architecture.md, the replicated topology), not here: they start a
# cluster of their own, which must not run beside the integration tests' on two cores. Built, so that they cannot rot.
dotnet build tests/AspireKv.FailoverTests -nologo -v q
dotnet test --solution AspireKv.sln "$@"
