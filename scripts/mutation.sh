#!/usr/bin/env bash
# Mutation testing of one module against the tests that cover it: does each test fail when the code is wrong?
# Not part of CI (minutes per module). Needs `pip install 'mutmut==2.5.1'` in the venv; see CONTRIBUTING.md.
#
#   scripts/mutation.sh sls_devices/otp.py tests/unit/test_otp.py
#   scripts/mutation.sh sls_server/auth/lockout_policy.py tests/unit/test_lockout_policy.py tests/api/...
#
# mutmut 2 edits the module in place and restores it after each mutant, so run one at a time per worktree.
# Bytecode is off: a mutant of the same size written in the same second as the last one would otherwise be
# run from the stale .pyc of another mutant (or of the real code), and its verdict would be wrong.
# Any failure of the tests counts as a kill: mutmut 2 counts only pytest's exit status 1 (a test failed) so,
# and took a mutant that breaks the import (status 2, an error collecting) for a survivor.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 MODULE.py TEST_FILE... (the module's path, then the unit/api tests that cover it)" >&2
    exit 2
fi
module=$1
shift
export PYTHONDONTWRITEBYTECODE=1
rm -f "$(dirname "$module")/__pycache__/$(basename "$module" .py)".*.pyc
rm -f .mutmut-cache
status=0
mutmut run --paths-to-mutate "$module" --no-progress \
    --runner "bash -c 'pytest -n 0 -x -q -p no:cacheprovider $* || exit 1'" || status=$?
mutmut results || true
exit "$status"
