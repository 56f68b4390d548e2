#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK on a fresh Debian or Ubuntu machine:
# - redis-server: the integration tests run the cluster on it as well as on the embedded Garnet server;
# - redis-sentinel: the replicated topology (Redis:Topology=replicated) and its failover tests;
# - chromium: the browser tests drive the web client in headless Chromium (Playwright cannot download its own
#   browser here, so it is pointed at Debian's).
# Running AspireKv itself needs nothing of this (Garnet comes from NuGet).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi

  echo "Installing ${missing[*]} with apt-get..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "redis-server: $(redis-server --version | head -n 1)"
echo "redis-sentinel: $(redis-sentinel --version | head -n 1)"
echo "chromium: $(chromium --version 2>/dev/null | head -n 1)"
