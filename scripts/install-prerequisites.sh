#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK on a fresh Debian or Ubuntu machine: Debian's
# redis-server, because the integration tests run the cluster on it as well as on the embedded Garnet
# server. Running AspireKv itself needs nothing of this (Garnet comes from NuGet).
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server: $(redis-server --version | head -n 1)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

echo "Installing redis-server with apt-get..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
echo "redis-server: $(redis-server --version | head -n 1)"
