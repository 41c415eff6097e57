#!/bin/bash
# Runs ClientFidelity on a 16-core machine: the server on cores 8-15, the client on cores 0-7, one client run per
# line of $MATRIX, e.g.
#   MATRIX='run product 100,400,1000,2000; CHUNKS=600 run long 1000,2000; run no-inline 1000,2000 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0' \
#     OUT=/tmp/fidelity bench/ClientFidelity/matrix.sh
# run LABEL STREAMS [VAR=VALUE ...]: the variables are set for that client run only. Logs go to $OUT.
B=${B:-artifacts/ClientFidelity/ClientFidelity}
OUT=${OUT:-.}
ulimit -n "$(ulimit -Hn)" 2>/dev/null
echo "ulimit -n $(ulimit -n), nproc $(nproc), $(uname -r)"
taskset -c 8-15 "$B" server --port 8100 --emitters "${EMITTERS:-4}" > "$OUT/server.log" 2>&1 &
SERVER=$!
sleep 1
run() {
  local label=$1 streams=$2
  shift 2
  echo "### $label ($*)"
  env "$@" taskset -c 0-7 "$B" client --url http://127.0.0.1:8100 --streams "$streams" --chunks "${CHUNKS:-200}" 2>&1 | tail -n +2
}
eval "$MATRIX"
kill $SERVER
