#!/usr/bin/env bash
# One sitting of the portable-speed comparison on THIS machine: lanegrad against every peer found, the same
# cases, thread counts and rounds, interleaved system by system, into one directory with the side-by-side
# table. Written so that a session on a new CPU (an AVX2 server above all) gets the issue's figures with one
# command; run it on a quiet machine and start nothing else meanwhile (no builds, no tests).
#
#   bench/sitting.sh DIR                         # full width, S1-S5 and LM, 1 and 2 threads, one round
#   WIDTH=avx2 ROUNDS=2 bench/sitting.sh DIR     # on an AVX-512 CPU: everything restricted to AVX2
#
# env: WIDTH (full | avx2)  THREADS (1,2)  CASES (S1,S2,S3,S4,S5,LM)  ROUNDS (1)  WARMUP_MS (3000)
#      PEERS (/tmp/peers: a copy of ../shared/peers, made here when missing; each peer builds itself on first
#             use; a peer whose folder is missing is skipped)
#      TORCH113 (/usr/bin/python3: Debian's python with torch 1.13; skipped when it has no torch)
#      FMAPEAK (../shared/tools/fmapeak.c: compiled with gcc and run once per round when both exist)
#      JAVA (java)
# Writes DIR/machine.txt (CPU model, family/model, vector flags, JDK, the commit timed, `lanegrad info`), and per round
# DIR/roundN/: lg-1t.json, lg-2t.json, ort1.20_rows.json, pytorch2.7.1_rows.json (its LSTM cells, LM included,
# run with oneDNN on and off: the better of the two), pytorch1.13-1t.json, pytorch1.13-2t.json, fmapeak.txt,
# table.md.
# One-thread runs are pinned to CPU 0 and two-thread runs to CPUs 0,1 with taskset when it exists.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT=${1:?usage: bench/sitting.sh DIR}
WIDTH=${WIDTH:-full}
THREADS=${THREADS:-1,2}
CASES=${CASES:-S1,S2,S3,S4,S5,LM}
ROUNDS=${ROUNDS:-1}
WARMUP_MS=${WARMUP_MS:-3000}
PEERS=${PEERS:-/tmp/peers}
TORCH113=${TORCH113:-/usr/bin/python3}
FMAPEAK=${FMAPEAK:-$ROOT/../shared/tools/fmapeak.c}
JAVA=${JAVA:-java}
JAR="$ROOT/cli/target/lanegrad.jar"

case "$WIDTH" in
  full) JVM_WIDTH=(); TORCH_ENV=() ;;
  # C2 emits AVX2 only (256-bit species, 16 registers); PyTorch's ATen, MKL and oneDNN by their own switches,
  # PyTorch 1.13's OpenBLAS by its core type. ONNX Runtime picks its kernels from CPUID: left out.
  avx2) JVM_WIDTH=(-XX:UseAVX=2); TORCH_ENV=(ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2) ;;
  *) echo "WIDTH=$WIDTH: expected full or avx2" >&2; exit 2 ;;
esac
# ./lanegrad builds the jar first when any source is newer, so a sitting never times a stale jar
"$ROOT/lanegrad" --version >/dev/null
if [[ ! -d $PEERS && -d $ROOT/../shared/peers ]]; then
  cp -r "$ROOT/../shared/peers" "$PEERS"   # shared/ is read-only; the peers build and write beside themselves
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"   # absolute: each peer's run.sh works in its own folder
# pin T CMD...: CMD (an executable) on CPUs 0..T-1
pin() { local t=$1; shift; if command -v taskset >/dev/null; then taskset -c "0-$((t - 1))" "$@"; else "$@"; fi; }
lanegrad_java=("$JAVA" --add-modules jdk.incubator.vector "${JVM_WIDTH[@]}" -cp "$JAR" dev.lanegrad.cli.Main)
only() { local want=$1 out=; for c in ${CASES//,/ }; do [[ ",$want," == *",$c,"* ]] && out+="${out:+,}$c"; done; echo "$out"; }

{
  echo "date: $(date -u +%FT%TZ)  width: $WIDTH  threads: $THREADS  cases: $CASES  rounds: $ROUNDS"
  lscpu | grep -E '^(Model name|CPU family|Model|Thread|Core|Socket|L1d|L2|L3)' || true
  echo "vector flags: $(grep -o -w -E 'avx2|fma|avx512f|avx512bw|avx512vl|asimd|sve' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  "$JAVA" -version 2>&1 | head -n 1
  echo "lanegrad: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'not a git checkout')"
  "${lanegrad_java[@]}" info 2>/dev/null
} > "$OUT/machine.txt"

peer_rows() {  # peer_rows INTO FILES...: one row per case, cell and thread count, the peer's best where a
              # case was run in two configurations (PyTorch's LSTM with oneDNN on and off)
  local into=$1; shift
  python3 - "$into" "$@" <<'PY'
import json, sys
best = {}
for f in sys.argv[2:]:
    try:
        rows = json.load(open(f))
    except FileNotFoundError:
        continue
    for r in rows:
        key = (r["case"], r["cell"], r["threads"])
        rate = r["unit"].endswith("/s")
        old = best.get(key)
        if old is None or (r["value"] > old["value"] if rate else r["value"] < old["value"]):
            best[key] = r
json.dump(list(best.values()), open(sys.argv[1], "w"), indent=1)
PY
}

for r in $(seq 1 "$ROUNDS"); do
  D="$OUT/round$r"; mkdir -p "$D"
  if [[ -f $FMAPEAK ]] && command -v gcc >/dev/null; then
    gcc -O3 -march=native -fopenmp "$FMAPEAK" -o "$D/fmapeak" && pin 1 "$D/fmapeak" 1 > "$D/fmapeak.txt" && rm -f "$D/fmapeak"
  fi
  pt_rows=(); ort_rows=()
  for t in ${THREADS//,/ }; do
    echo "== $(date -u +%T) round $r, $t thread(s): lanegrad" >&2
    pin "$t" "${lanegrad_java[@]}" bench --case "$CASES" --threads "$t" --warmup-ms "$WARMUP_MS" --json "$D/lg-${t}t.json" \
        2>/dev/null | grep -E '^(S[1-5]|LM) ' >&2
    inference=$(only S1,S2,S5)
    if [[ $WIDTH == full && -n $inference && -x $PEERS/ort/run.sh ]]; then
      echo "== $(date -u +%T) ONNX Runtime 1.20" >&2
      (cd "$PEERS/ort" && pin "$t" env LOCK=none THREADS="$t" CASES="$inference" MIN_S=3 OUT="$D/ort-${t}t.json" ./run.sh >/dev/null)
      ort_rows+=("$D/ort-${t}t_rows.json")
    fi
    torch2=$(only S1,S2,S3,S4,S5)
    if [[ -n $torch2 && -x $PEERS/pytorch2/run.sh ]]; then
      echo "== $(date -u +%T) PyTorch 2.7.1" >&2
      (cd "$PEERS/pytorch2" && pin "$t" env "${TORCH_ENV[@]}" LOCK=none THREADS="$t" CASES="$torch2" MIN_S=3 \
          NOMKLDNN_VARIANT=1 OUT="$D/pt2-${t}t.json" ./run.sh >/dev/null)
      pt_rows+=("$D/pt2-${t}t_rows.json" "$D/pt2-${t}t_rows_mkldnn_off.json")
    fi
    if [[ -n $(only LM) && -f $PEERS/pytorch2/pom.xml ]]; then
      echo "== $(date -u +%T) PyTorch 2.7.1 LM (oneDNN on, then off)" >&2
      for mk in on off; do
        pin "$t" env "${TORCH_ENV[@]}" THREADS="$t" MIN_S=10 MKLDNN=$mk PEERS="$PEERS/pytorch2" \
            OUT="$D/pt2lm-$mk-${t}t.json" "$ROOT/bench/peers/pytorch2-lm/run.sh" >/dev/null 2>&1
        pt_rows+=("$D/pt2lm-$mk-${t}t.json")
      done
    fi
    if "$TORCH113" -c 'import torch' 2>/dev/null; then
      echo "== $(date -u +%T) PyTorch 1.13" >&2
      torch113_env=(); [[ $WIDTH == avx2 ]] && torch113_env=(ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell)
      pin "$t" env "${torch113_env[@]}" "$TORCH113" "$ROOT/bench/pytorch/bench_rnn.py" --case "$CASES" --threads "$t" \
          --json "$D/pytorch1.13-${t}t.json" >/dev/null 2>&1
    fi
  done
  ((${#pt_rows[@]})) && peer_rows "$D/pytorch2.7.1_rows.json" "${pt_rows[@]}"
  ((${#ort_rows[@]})) && peer_rows "$D/ort1.20_rows.json" "${ort_rows[@]}"
  python3 "$ROOT/bench/results/side_by_side.py" "$D" > "$D/table.md"
  echo "== round $r: $D/table.md" >&2
  cat "$D/table.md"
done
