#!/usr/bin/env bash
# bench_analyze.sh - speed and memory of the analysis pipeline (issue 5). Not a test.
#
# Usage: benchmarks/bench_analyze.sh [-n RUNS] [CORPUS]
#   CORPUS  folder of articles (default: ../shared/polnear/train/text, ~840 articles)
#
# 1. `framing analyze` against shared/eval/bench_ratio.sh's floor (read + Punkt + VADER in one
#    process): median ratio with the default (--jobs auto: one process per core), --jobs 1
#    and --jobs 2 (targets: <= 1.5, and ~1.0 with --jobs 2).
# 2. `framing report` (HTML + PDF) over ~1,000 articles (PolNeAR train + dev + nk_events):
#    wall time (target < 30 s) and peak memory.
# 3. Peak memory of `framing analyze` on a quarter of CORPUS and on all of it (flat memory).
# Record the figures in docs/performance.md, section "Analysis pipeline".
set -euo pipefail

RUNS=3
while getopts ":n:" opt; do
  case "$opt" in
    n) RUNS="$OPTARG" ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
SHARED="$(dirname "$REPO")/shared"
CORPUS="${1:-$SHARED/polnear/train/text}"
PY="${PYTHON:-/work/venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
FRAMING="$(dirname "$PY")/framing"
[ -x "$FRAMING" ] || { echo "bench_analyze: no framing executable beside $PY" >&2; exit 2; }
[ -e "$CORPUS" ] || { echo "bench_analyze: corpus not found: $CORPUS" >&2; exit 2; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== analyze vs floor, default (--jobs auto)"
bash "$SHARED/eval/bench_ratio.sh" -p "$PY" -n "$RUNS" "$CORPUS" \
  "$FRAMING" analyze {} --out "$TMP/ja" | tee "$TMP/ja.log" | tail -n 3
echo "== analyze vs floor, --jobs 1"
bash "$SHARED/eval/bench_ratio.sh" -p "$PY" -n "$RUNS" "$CORPUS" \
  "$FRAMING" analyze {} --out "$TMP/j1" --jobs 1 | tee "$TMP/j1.log" | tail -n 3
echo "== analyze vs floor, --jobs 2"
bash "$SHARED/eval/bench_ratio.sh" -p "$PY" -n "$RUNS" "$CORPUS" \
  "$FRAMING" analyze {} --out "$TMP/j2" --jobs 2 | tee "$TMP/j2.log" | tail -n 3

peak() {  # peak() LABEL CMD... : wall seconds and max RSS of a command
  local label="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/env python3 - "$@" <<'PY' 2>"$TMP/peak.err" >"$TMP/peak.out" || { cat "$TMP/peak.err" >&2; return 1; }
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
  t1=$(date +%s.%N)
  echo "$label: wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') max_rss_mb=$(cat "$TMP/peak.out")"
}

echo "== report over ~1,000 articles (HTML + PDF)"
REPORT_IN=("$SHARED/polnear/train/text" "$SHARED/polnear/dev/text" "$SHARED/corpus/nk_events.jsonl")
peak "report ($(ls "$SHARED/polnear/train/text" "$SHARED/polnear/dev/text" | grep -c '\.txt$') + 80 articles)" \
  "$FRAMING" report "${REPORT_IN[@]}" --out "$TMP/report"
ls -la "$TMP/report"

echo "== memory as the corpus grows (analyze, --jobs 1)"
mkdir -p "$TMP/quarter"
n=$(ls "$CORPUS" | wc -l)
ls "$CORPUS" | head -n $((n / 4)) | while read -r f; do ln -s "$CORPUS/$f" "$TMP/quarter/$f"; done
peak "analyze $((n / 4)) articles" "$FRAMING" analyze "$TMP/quarter" --out "$TMP/q" --jobs 1
peak "analyze $n articles" "$FRAMING" analyze "$CORPUS" --out "$TMP/all" --jobs 1
