#!/usr/bin/env bash
# A/B of two or more builds on one case, in alternating JVMs (these machines drift within minutes, so only
# interleaved runs compare): each round runs every jar once, then the medians. Start nothing else meanwhile.
#
#   bench/alternate.sh ROUNDS THREADS CASE CELL JAR...          e.g. bench/alternate.sh 6 2 S5 lstm /tmp/a.jar /tmp/b.jar
#
# env: JAVA_OPTS (e.g. -XX:UseAVX=2), WARMUP_MS (1500), REPETITIONS (15). One thread is pinned to CPU 0, two to
# CPUs 0,1 (taskset). Prints each run's median (the `bench` figure) and, per jar, the median of the rounds.
set -euo pipefail
ROUNDS=${1:?usage: bench/alternate.sh ROUNDS THREADS CASE CELL JAR...}
THREADS=${2:?threads}
CASE=${3:?case}
CELL=${4:?cell}
shift 4
[ $# -ge 1 ] || { echo "bench/alternate.sh: give at least one jar" >&2; exit 2; }
CPUS=0
[ "$THREADS" -ge 2 ] && CPUS=0,1
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c "$CPUS")
declare -A runs
for r in $(seq "$ROUNDS"); do
  for jar in "$@"; do
    # shellcheck disable=SC2086
    v=$("${PIN[@]}" java ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -jar "$jar" bench --case "$CASE" \
        --cell "$CELL" --threads "$THREADS" --warmup-ms "${WARMUP_MS:-1500}" --repetitions "${REPETITIONS:-15}" 2>/dev/null \
        | awk -v c="$CASE" '$1 == c {print $4}')
    echo "round $r  $jar  $v"
    runs[$jar]="${runs[$jar]:-} $v"
  done
done
for jar in "$@"; do
  echo "$jar:${runs[$jar]}  median $(tr ' ' '\n' <<<"${runs[$jar]}" | grep . | sort -n \
      | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}')"
done
