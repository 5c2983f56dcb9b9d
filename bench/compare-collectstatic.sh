#!/usr/bin/env bash
# Whole-command comparison: assetpipe build versus Django's collectstatic
# with ManifestStaticFilesStorage, on the same tree, same machine, same run.
#
# Two sessions, medians of RUNS runs each after warmup runs:
#  1. fresh outputs: both output directories are deleted before every run.
#     assetpipe runs as it does by default, its cache directory kept
#     between runs, and with --no-cache, doing all the work every time.
#  2. rebuild in place: the outputs of the previous run stay, as in a
#     development loop or a CI job that keeps its workspace.
# collectstatic does not compress, so assetpipe runs with --no-compress
# (bench/compare-compress.sh measures that stage).
# Outputs and the cache live under $TMPDIR: set it to compare file systems.
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
echo "tree: $tree ($(find "$tree" -type f | wc -l) files, $(du -sh "$tree" | cut -f1)); outputs in $work"
runs=${RUNS:-15}
ap="$work/assetpipe build --no-compress --src $tree --out $work/ap"
dj="/usr/bin/python3 $py $tree $work/dj"
hyperfine --warmup 2 --runs "$runs" --export-json "$work/fresh.json" \
  --prepare "rm -rf $work/ap $work/dj" \
  -n assetpipe "$ap" -n assetpipe-no-cache "$ap --no-cache" -n collectstatic "$dj"
rm -rf "$work/ap" "$work/dj"
hyperfine --warmup 2 --runs "$runs" --export-json "$work/inplace.json" \
  -n assetpipe "$ap" -n collectstatic "$dj"
python3 - "$work/fresh.json" "$work/inplace.json" <<'PY'
import json, sys
for title, f in zip(("fresh outputs", "rebuild in place"), sys.argv[1:]):
    r = {x["command"]: x for x in json.load(open(f))["results"]}
    d = r.pop("collectstatic")
    print(f"{title}: collectstatic median {d['median']*1000:.0f} ms (CPU {(d['user']+d['system'])*1000:.0f} ms)")
    for name, a in r.items():
        print(f"  {name}: median {a['median']*1000:.0f} ms (CPU {(a['user']+a['system'])*1000:.0f} ms), "
              f"collectstatic/{name} = {d['median']/a['median']:.1f}x")
PY
