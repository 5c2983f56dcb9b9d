#!/usr/bin/env bash
# Whole-command comparison: assetpipe build versus Django's collectstatic
# with ManifestStaticFilesStorage, on the same tree, same machine, same run.
# Usage: bench/compare-collectstatic.sh [TREE]
# Without TREE it uses the real asset tree that `go test ./build -run
# TestRealTree` assembles (Bootstrap, Font Awesome, jQuery, three.js).
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-"${XDG_CACHE_HOME:-$HOME/.cache}/assetpipe-test/realtree-v1/tree"}
[ -d "$tree" ] || go test ./build -run TestRealTree >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/assetpipe" ./cmd/assetpipe
py=$PWD/bench/collectstatic.py
# Neither command may see this repository's assetpipe.yaml.
cd "$work"
echo "tree: $tree ($(find "$tree" -type f | wc -l) files, $(du -sh "$tree" | cut -f1))"
hyperfine --warmup 2 --runs "${RUNS:-15}" --export-json "$work/result.json" \
  --prepare "rm -rf $work/ap $work/dj" \
  -n assetpipe "$work/assetpipe build --src $tree --out $work/ap" \
  -n collectstatic "/usr/bin/python3 $py $tree $work/dj"
python3 - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, d = r["assetpipe"], r["collectstatic"]
print(f"median wall: assetpipe {a['median']*1000:.0f} ms, collectstatic {d['median']*1000:.0f} ms, ratio {d['median']/a['median']:.1f}x")
print(f"mean CPU (user+sys): assetpipe {(a['user']+a['system'])*1000:.0f} ms, collectstatic {(d['user']+d['system'])*1000:.0f} ms")
PY
