#!/usr/bin/env bash
# The test command: builds what the tests run (the CLI, and the native runtime when its
# toolchain is present), starts the real services they need, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsc -p tsconfig.build.json
if [ -f native/Makefile ] && command -v gcc >/dev/null; then make -s -C native all kit; fi

bash scripts/services.sh start
# shellcheck disable=SC1091
source "${CHEFER_TEST_STATE:-/tmp/chefer-test}/env"

node scripts/run-tests.mjs "$@"
