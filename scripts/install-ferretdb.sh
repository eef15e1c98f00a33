#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server, a Go module) for the tests, once: the binary is
# kept under ${ORDERPULSE_CACHE:-~/.cache/orderpulse} and reused. Prints the binary's path last.
# Needs the Go toolchain and the Go module proxy; nothing else is downloaded.
set -euo pipefail

version="${FERRETDB_VERSION:-v1.24.2}"
cache="${ORDERPULSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orderpulse}"
bin="$cache/ferretdb-$version/ferretdb"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$candidate/go" ] && PATH="$candidate:$PATH"
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-ferretdb: the Go toolchain is missing (install Go, or set MONGO_URL to a MongoDB)" >&2
  exit 1
fi

echo "install-ferretdb: building FerretDB $version with $(go version) (about a minute, once)" >&2
module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$module_dir" ] || [ ! -d "$module_dir" ]; then
  echo "install-ferretdb: go mod download did not give FerretDB $version's source" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$module_dir/." "$work/src"
chmod -R u+w "$work/src"
# The module as published lacks build/version/version.txt, which `git describe` fills in the
# project's own builds; without it the binary panics at start-up.
echo "$version" > "$work/src/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work/src" && GOFLAGS=-buildvcs=false go build -trimpath -o "$bin.partial" ./cmd/ferretdb)
mv "$bin.partial" "$bin"
echo "$bin"
