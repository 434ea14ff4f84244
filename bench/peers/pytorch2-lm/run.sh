#!/usr/bin/env bash
# The LM case (char-LM training step) on PyTorch 2.7.1 through DJL 0.36.0, which ../shared/peers/pytorch2
# does not time. Reuses that harness's jars and classes (built here with its pom when missing), so copy it
# first: cp -r ../shared/peers /tmp/peers. Then
#
#   THREADS=1,2 MIN_S=10 bench/peers/pytorch2-lm/run.sh      # prints one JSON row per thread count
#
# env: THREADS (1,2)  MIN_S (10: timed seconds per thread count, at least 10 steps)  OUT (LM-pytorch2.json)
#      MKLDNN (default | on | off: torch.backends.mkldnn.enabled)
#      PEERS (/tmp/peers/pytorch2: the copy of ../shared/peers/pytorch2)  JAVA (java)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PEERS=${PEERS:-/tmp/peers/pytorch2}
THREADS=${THREADS:-1,2}
MIN_S=${MIN_S:-10}
MKLDNN=${MKLDNN:-default}
OUT=${OUT:-LM-pytorch2.json}
JAVA=${JAVA:-java}
[[ -f $PEERS/pom.xml ]] || { echo "no $PEERS/pom.xml: copy ../shared/peers to /tmp/peers first (or set PEERS)" >&2; exit 2; }
if [[ ! -d $PEERS/target/lib || ! -d $PEERS/target/classes ]]; then
  # the same build as the peer's own run.sh: offline first, Maven Central for what ~/.m2 lacks
  (cd "$PEERS" && { mvn -B -q -o compile dependency:copy-dependencies -DoutputDirectory=target/lib 2>/dev/null \
      || mvn -B -q compile dependency:copy-dependencies -DoutputDirectory=target/lib; })
fi
CP=$PEERS/target/classes:$(ls "$PEERS"/target/lib/*.jar | tr '\n' ':')
CLASSES=$(mktemp -d)
trap 'rm -rf "$CLASSES"' EXIT
"${JAVA%java}javac" -d "$CLASSES" -cp "$CP" "$HERE/DjlCharLm.java"
rows=()
for t in ${THREADS//,/ }; do
  OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1 \
  "$JAVA" -Xms1g -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=$t -Dai.djl.pytorch.num_interop_threads=1 \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP:$CLASSES" DjlCharLm "$t" "$MIN_S" "$CLASSES/t$t.json" "$MKLDNN" \
      2> >(grep -v -e 'CudaUtils' >&2)
  rows+=("$(sed -e 's/^\[//' -e 's/\]$//' "$CLASSES/t$t.json")")
done
(IFS=,; echo "[${rows[*]}]") > "$OUT"
echo "wrote $OUT" >&2
