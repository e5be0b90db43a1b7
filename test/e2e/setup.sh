#!/usr/bin/env bash
# Installs the editor the e2e tests drive (code-server 4.100.3 = VS Code 1.100.3, Debian's
# Chromium, playwright-core) into .editor-e2e/ (git-ignored), with the shared, read-only setup
# script in ../shared/editor-e2e/ (beside the clone, in CI too). Skips the work when the install
# is already there and answers; FORCE=1 reinstalls.
#
#   bash test/e2e/setup.sh            # EDITOR_E2E_SHARED=/path/to/shared/editor-e2e to override
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${EDITOR_E2E_SHARED:-$repo/../shared/editor-e2e}"
dest="$repo/.editor-e2e"
cs="$dest/node_modules/.bin/code-server"

if [ -z "${FORCE:-}" ] && [ -x "$cs" ] && command -v chromium >/dev/null \
  && [ -d "$dest/node_modules/playwright-core" ] \
  && HOME="$dest/.cs-home" "$cs" --version >/dev/null 2>&1; then
  echo "[e2e setup] $dest is ready ($(HOME="$dest/.cs-home" "$cs" --version | head -1))"
  exit 0
fi
if [ ! -f "$shared/setup.sh" ]; then
  echo "[e2e setup] $shared/setup.sh not found (set EDITOR_E2E_SHARED)" >&2
  exit 1
fi
started=$SECONDS
bash "$shared/setup.sh" "$dest"
echo "[e2e setup] installed in $((SECONDS - started)) s"
