#!/bin/sh
# A two-minute tour of relnotes in a throwaway git repository: contributors add
# fragments, CI checks them, the maintainer builds RELEASES.md, cuts a release
# branch, and stamps the release.  Needs only git and an installed relnotes.
set -eu
demo=$(mktemp -d "${TMPDIR:-/tmp}/relnotes-demo.XXXXXX")
cd "$demo"
export GIT_CONFIG_GLOBAL="$demo/.gitconfig" GIT_CONFIG_NOSYSTEM=1
git init -q -b main .
git config user.name "Demo" && git config user.email "demo@example.org"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step relnotes init --project Demo --repository https://github.com/example/demo --version 1.0.0 --branching release-branches
git add -A && git commit -qm "Set up relnotes"

step relnotes new --section Added --pr 101 -m "A \`--json\` flag prints machine-readable output."
step relnotes new --section Fixed --pr 102 -m "Fixed a crash when the input file is empty."
step relnotes new --section Security --pr 103 --advisory GHSA-vqjp-4c8c-hfgg --backport \
  -m "Paths outside the sandbox are now refused."
step relnotes check
step relnotes build --draft
step relnotes build
git add -A && git commit -qm "Build the notes for 1.0.0"
step relnotes next
step relnotes cut --commit
step relnotes show
git switch -q release-1.0.0
step relnotes release --date 2026-11-20
step cat RELEASES.md
printf '\nThe demo repository is in %s\n' "$demo"
