#!/usr/bin/env bash
# Whole-command comparison: assetpipe build versus Django's collectstatic
# with ManifestStaticFilesStorage, on the same tree, same machine, same run.
# assetpipe runs twice: as it runs by default, with its cache directory
# kept between runs (warm after hyperfine's warmup), and with --no-cache,
# doing all the work every time. Outputs live under $TMPDIR: set it to
# compare file systems.
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
  -n assetpipe-no-cache "$work/assetpipe build --no-cache --src $tree --out $work/ap" \
  -n collectstatic "/usr/bin/python3 $py $tree $work/dj"
python3 - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d = r["collectstatic"]
print(f"collectstatic: median wall {d['median']*1000:.0f} ms, mean CPU (user+sys) {(d['user']+d['system'])*1000:.0f} ms")
for name in ("assetpipe", "assetpipe-no-cache"):
    a = r[name]
    print(f"{name}: median wall {a['median']*1000:.0f} ms, mean CPU {(a['user']+a['system'])*1000:.0f} ms, "
          f"collectstatic/{name} = {d['median']/a['median']:.1f}x")
PY
