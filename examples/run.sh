#!/usr/bin/env bash
# Builds the examples against the installed lanegrad artifacts (./lanegrad install first) and runs each
# program on the class path and on the module path; on the module path also without the Vector API
# module, where lanegrad falls back to its scalar kernels. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PT="../testdata/torch/lstm_L2.pt"

mvn -B -ntp -q ${MAVEN_OFFLINE:-} package
JAR=target/lanegrad-examples-0.1.0.jar
VECTOR="--add-modules jdk.incubator.vector"

for main in LoadAndRun TrainInCode Streaming; do
  args=(); [ "$main" = LoadAndRun ] && args=("$PT")
  echo "== $main on the class path"
  "$JAVA" $VECTOR -cp "$JAR:target/lib/*" "dev.lanegrad.examples.$main" "${args[@]}"
  echo "== $main on the module path"
  out="$("$JAVA" $VECTOR -p "$JAR:target/lib" -m "dev.lanegrad.examples/dev.lanegrad.examples.$main" "${args[@]}" 2>&1)"
  echo "$out"
  # on the module path, the engine reads jdk.incubator.vector through `requires static`: the SIMD kernels load
  [ "$main" != LoadAndRun ] || grep -q "kernels: vector, module: dev.lanegrad.examples" <<<"$out"
done

echo "== LoadAndRun on the module path without jdk.incubator.vector (scalar fallback)"
out="$("$JAVA" -p "$JAR:target/lib" -m dev.lanegrad.examples/dev.lanegrad.examples.LoadAndRun "$PT" 2>&1)"
echo "$out"
grep -q "kernels: scalar, module: dev.lanegrad.examples" <<<"$out"
