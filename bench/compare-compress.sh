#!/usr/bin/env bash
# Whole-command measurement of the compress stage on a real tree, against
# the C tools doing the same job (Debian's brotli and gzip), same machine,
# same run:
#  1. cold: `assetpipe compress --no-cache` versus
#     `xargs -P2 brotli -q 11 -k` and `xargs -P2 gzip -9 -k` over the same
#     files (the compressible ones of at least 256 bytes); CPU time (user +
#     sys) and output bytes;
#  2. warm, nothing changed: `assetpipe compress` and `assetpipe build`
#     again over a compressed output, cache warm;
#  3. warm, 3 files changed: `assetpipe build` after 3 source files
#     changed, and the compression of those files alone.
# Usage: bench/compare-compress.sh [TREE]; RUNS sets the cold runs (3).
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-"${XDG_CACHE_HOME:-$HOME/.cache}/assetpipe-test/realtree-v1/tree"}
[ -d "$tree" ] || go test ./build -run TestRealTree >/dev/null
command -v brotli >/dev/null && command -v hyperfine >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/assetpipe" ./cmd/assetpipe
ap=$work/assetpipe
cd "$work"
cp -r "$tree" src
"$ap" build --no-compress --src src --out out >/dev/null
# The files assetpipe compresses, for the C tools.
python3 - out > list.txt <<'PY'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "assetpipe.json")))["files"]
exts = set(".css .js .mjs .cjs .json .map .svg .html .htm .xhtml .xml .rss .atom .txt .csv .md .wasm .ttf .otf .eot .ico .webmanifest".split())
for e in m.values():
    if e["size"] >= 256 and os.path.splitext(e["path"])[1].lower() in exts:
        print(os.path.join(sys.argv[1], e["path"]))
PY
echo "tree: $tree; $(wc -l < list.txt) files to compress, $(xargs cat < list.txt | wc -c) bytes"
runs=${RUNS:-3}
hyperfine --runs "$runs" --export-json cold.json \
  --prepare "find $work/out -name '*.br' -delete -o -name '*.gz' -delete" \
  -n assetpipe "$ap compress --no-cache --out $work/out" \
  -n c-tools "xargs -P2 -n 64 brotli -q 11 -k -f < $work/list.txt && xargs -P2 -n 64 gzip -9 -k -f < $work/list.txt"
# Output sizes: every file the C tools wrote (they ran last) versus
# assetpipe's variants, kept or not (max_ratio 1 keeps every one).
python3 - list.txt > c-sizes.txt <<'PY'
import os, sys
files = open(sys.argv[1]).read().split()
print(sum(os.path.getsize(f + ".br") for f in files), sum(os.path.getsize(f + ".gz") for f in files))
PY
printf 'src: src\nout: out\ncompress:\n  max_ratio: 1\n' > all.yaml
"$ap" compress -c all.yaml --no-cache >/dev/null 2>&1
python3 - out c-sizes.txt <<'PY'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "assetpipe.json")))["files"]
ours = {"br": 0, "gzip": 0}
for e in m.values():
    for enc, v in e.get("variants", {}).items():
        ours[enc] += v["size"]
c = dict(zip(("br", "gzip"), map(int, open(sys.argv[2]).read().split())))
for enc in ("br", "gzip"):
    print(f"output {enc}: assetpipe {ours[enc]} bytes, C tool {c[enc]} bytes ({ours[enc]/c[enc]:.3f}x)")
PY
"$ap" build --src src --out out >/dev/null 2>&1  # compressed build, cache warm
sleep 2.1  # let the last changes age past the racy window
hyperfine --warmup 1 --runs 10 \
  -n "compress, nothing changed" "$ap compress --out $work/out" \
  -n "build, nothing changed" "$ap build --src $work/src --out $work/out"
changed="$(find src -name '*.css' -size +100k -print -quit) $(find src -name '*.js' -size +100k -print -quit) $(find src -name '*.svg' -print -quit)"
for f in $changed; do echo "/* changed */" >> "$f"; done
sleep 2.1
echo "3 files changed: $changed"
/usr/bin/time -o times.txt -a -f "build with 3 files changed: %e s wall, %U s user, %S s sys" "$ap" build --src src --out out
mkdir three
for f in $changed; do cp "$f" three/; done
# Alone their references break: lenient, and no cache, so they are compressed.
printf 'src: three\nout: three-out\nreferences: lenient\ncache_dir: ""\n' > three.yaml
/usr/bin/time -o times.txt -a -f "those 3 files alone: %e s wall, %U s user, %S s sys" "$ap" build -c three.yaml 2>/dev/null
cat times.txt
python3 - cold.json <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, c = r["assetpipe"], r["c-tools"]
ca, cc = a["user"] + a["system"], c["user"] + c["system"]
print(f"cold: assetpipe median {a['median']:.1f} s wall, {ca:.1f} s CPU; C tools median {c['median']:.1f} s wall, {cc:.1f} s CPU; CPU ratio {ca/cc:.2f}x")
PY
