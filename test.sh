#!/usr/bin/env bash
# Runs Corridor's whole test suite. Installs what the tests need on a fresh Debian machine
# (the PostgreSQL server that storage tests start themselves, Chromium for the console's browser tests) when missing, restores packages,
# builds, and runs every test project. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

need=()
command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
# tests/Corridor.Console.Tests drive Debian's Chromium with Playwright (Playwright cannot download its own browsers here).
[[ -x /usr/bin/chromium ]] || need+=(chromium)
# The simulator's charts (ScottPlot/SkiaSharp) draw their text with a system font found through fontconfig.
{ command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list 2>/dev/null | head -1)" ]]; } || need+=(fontconfig fonts-dejavu-core)
if (( ${#need[@]} )); then
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  echo "test.sh: installing ${need[*]}" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# tests/Corridor.Storage.Postgres.Tests start their own throw-away servers (initdb + pg_ctl on free ports,
# primary + synchronous standby); as root they run them as the `postgres` user (created if missing).
dotnet restore Corridor.slnx --nologo -v quiet
# Local tools (.config/dotnet-tools.json): Kiota, which tests/Corridor.Server.Tests/GeneratedClientTests.cs runs against the live OpenAPI document.
dotnet tool restore
dotnet build Corridor.slnx -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly
# The CLI is built once here so tests that start `./corridor` as a process don't race to build it.
mkdir -p src/Corridor.Cli/bin/Release/net10.0 && touch src/Corridor.Cli/bin/Release/net10.0/.corridor-build-stamp
dotnet test --solution Corridor.slnx -c Release --no-build
