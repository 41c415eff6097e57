#!/bin/bash
# Runs ClientFidelity on a 16-core machine: the server on cores 8-15, the clients on $CLIENT_CORES (default 0-7),
# one client run per line of $MATRIX, e.g.
#   MATRIX='run product 100,400,1000,2000; anchor python 100,400,1000,2000; CLIENT_CORES=0 run one-core 100,400' \
#     OUT=/tmp/fidelity bench/ClientFidelity/matrix.sh
# run LABEL STREAMS [VAR=VALUE ...]: GpuBench's load generator (ClientFidelity client), the variables set for
# that run only. anchor LABEL STREAMS: the Python client built like vLLM's (anchor_client.py) on the same server
# and cores. Logs go to $OUT.
B=${B:-artifacts/ClientFidelity/ClientFidelity}
PY=${PY:-python3}
OUT=${OUT:-.}
HERE=$(dirname "$0")
ulimit -n "$(ulimit -Hn)" 2>/dev/null
echo "ulimit -n $(ulimit -n), nproc $(nproc), $(uname -r)"
taskset -c 8-15 "$B" server --port 8100 --emitters "${EMITTERS:-4}" > "$OUT/server.log" 2>&1 &
SERVER=$!
sleep 1
run() {
  local label=$1 streams=$2
  shift 2
  echo "### $label: GpuBench on cores ${CLIENT_CORES:-0-7} ($*)"
  env "$@" taskset -c "${CLIENT_CORES:-0-7}" "$B" client --url http://127.0.0.1:8100 --streams "$streams" --chunks "${CHUNKS:-200}" 2>&1 | tail -n +2
}
anchor() {
  local label=$1 streams=$2
  echo "### $label: Python anchor on cores ${CLIENT_CORES:-0-7}"
  taskset -c "${CLIENT_CORES:-0-7}" "$PY" "$HERE/anchor_client.py" --url http://127.0.0.1:8100 --streams "$streams" --chunks "${CHUNKS:-200}" 2>&1
}
eval "$MATRIX"
kill $SERVER
