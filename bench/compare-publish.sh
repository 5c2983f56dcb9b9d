#!/usr/bin/env bash
# Publish measured against bep/s3deploy v2.16.0 on the same tree and the
# same S3 server (versitygw on 127.0.0.1), same run: a first publish, a
# publish where nothing changed, and publishes where 3 source files
# changed (alternating between two builds, so every timed run is one), with
# the requests each makes, counted from versitygw's access log.
# Usage: bench/compare-publish.sh [TREE]   (RUNS sets the timed runs, 10)
# Needs: versitygw (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0),
# hyperfine, and network access for the Go module download of s3deploy.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-"${XDG_CACHE_HOME:-$HOME/.cache}/assetpipe-test/realtree-v1/tree"}
[ -d "$tree" ] || go test ./build -run TestRealTree >/dev/null
vgw=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
work=$(mktemp -d)
trap 'kill $vgw_pid 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/assetpipe" ./cmd/assetpipe
# s3deploy, built from a go.mod that requires it.
mkdir "$work/s3d"
(cd "$work/s3d" && printf 'module s3dbuild\n\ngo 1.26\n\nrequire github.com/bep/s3deploy/v2 v2.16.0\n' > go.mod &&
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/bep/s3deploy/v2"\n' > tools.go &&
  go mod tidy >/dev/null 2>&1 && go build -o "$work/s3deploy" github.com/bep/s3deploy/v2)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/root/apub" "$work/root/s3dp"
"$vgw" --access bench --secret benchsecret --port "127.0.0.1:$port" --access-log "$work/access.log" --quiet posix "$work/root" &
vgw_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" ASSETPIPE_BUCKET=apub
export AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true
ap="$work/assetpipe"
s3d="$work/s3deploy -bucket s3dp -endpoint-url http://127.0.0.1:$port -region us-east-1 -quiet"

cd "$work"
cp -r "$tree" src
printf 'src: src\nout: dist\ncompress: false\n' > assetpipe.yaml
"$ap" build >/dev/null
cp -r dist distA
for f in $(find src -name '*.css' -size +100k -print -quit) $(find src -name '*.js' -size +100k -print -quit) src/index.html; do
  echo "/* changed */" >> "$f"
done
"$ap" build >/dev/null
mv dist distB
ln -s distA dist
echo "tree: $tree, $(find distA -type f | wc -l) files in the output"

requests() { # requests() FROM: the operations logged after line FROM
  tail -n +"$(( $1 + 1 ))" access.log | grep -o ' s3_[A-Za-z]*' | sort | uniq -c | awk '{printf "%s %s, ", $1, substr($2, 4)} END {print ""}'
}
lines() { wc -l < access.log; }
measure() { # measure NAME COMMAND...
  local from; from=$(lines)
  local start; start=$(date +%s.%N)
  "${@:2}" >/dev/null
  local end; end=$(date +%s.%N)
  printf '%-34s %6.2f s  requests: %s' "$1" "$(echo "$end - $start" | bc)" "$(requests "$from")"
}
flip() { if [ "$(readlink dist)" = distA ]; then ln -sfn distB dist; else ln -sfn distA dist; fi; }

measure "assetpipe first publish" "$ap" publish --release first
measure "s3deploy first publish" $s3d -source dist
measure "assetpipe publish, nothing changed" "$ap" publish --release same
measure "s3deploy, nothing changed" $s3d -source dist
flip
measure "assetpipe publish, 3 files changed" "$ap" publish --release changed
measure "s3deploy, 3 files changed" $s3d -source dist
flip
measure "assetpipe publish, 3 changed back" "$ap" publish --release back
measure "s3deploy, 3 changed back" $s3d -source dist

runs=${RUNS:-10}
hyperfine --warmup 1 --runs "$runs" -N \
  -n "assetpipe, nothing changed" "$ap publish --release same" \
  -n "s3deploy, nothing changed" "$s3d -source dist"
hyperfine --runs "$runs" --prepare "cd $work && if [ \"\$(readlink dist)\" = distA ]; then ln -sfn distB dist; else ln -sfn distA dist; fi" \
  -n "assetpipe, 3 files changed" "cd $work && $ap publish --release r\$(date +%s%N)" \
  -n "s3deploy, 3 files changed" "cd $work && $s3d -source dist"
