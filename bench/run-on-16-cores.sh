#!/bin/bash
# Runs the performance benchmarks on a 16-core machine without .NET, from what bench/pack-for-16-cores.sh packed.
#   bench/run-on-16-cores.sh simulator   SimulatorCapacity: server on cores 0-1, clients on 2-15, 1,600 and 2,000 streams
#   bench/run-on-16-cores.sh client      ClientFidelity with $MATRIX (see bench/ClientFidelity/README.md)
#   bench/run-on-16-cores.sh gateway     GatewayOverhead at 400 and 1,000 streams, 5 rounds, against NGINX
# Logs go to $OUT (default .).
cd "$(dirname "$0")/.."
OUT=${OUT:-.}
mkdir -p /tmp/dotnet && { [ -x /tmp/dotnet/dotnet ] || tar xJf artifacts/dotnet-runtime.tar.xz -C /tmp/dotnet; }
export DOTNET_ROOT=/tmp/dotnet
ulimit -n "$(ulimit -Hn)"
echo "nproc $(nproc), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
case "$1" in
  simulator)
    S=artifacts/fd/SimulatorCapacity/SimulatorCapacity
    taskset -c 0,1 $S server --port 18000 > "$OUT/sim-server.log" 2>&1 &
    server=$!
    sleep 5
    for n in 1600 2000; do
      echo "### simulator, $n streams"
      taskset -c 2-15 $S client --url http://127.0.0.1:18000 --streams $n --seconds 30 2>&1
    done
    kill $server ;;
  client)
    B=artifacts/fd/ClientFidelity/ClientFidelity OUT="$OUT" bench/ClientFidelity/matrix.sh ;;
  gateway)
    export LD_LIBRARY_PATH=$PWD/artifacts/nginx/lib
    artifacts/fd/GatewayOverhead/GpuBench.GatewayOverhead --streams 400,1000 --rounds 5 --prime 5 --warmup 2 --duration 6 \
      --nginx "$PWD/artifacts/nginx/nginx" --out "$OUT/gw.json" ;;
  *) echo "usage: $0 simulator|client|gateway" >&2; exit 2 ;;
esac
