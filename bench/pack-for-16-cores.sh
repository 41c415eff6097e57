#!/bin/bash
# Packs what bench/run-on-16-cores.sh needs into artifacts/ (about 50 MB, under the 64 MiB a machine without .NET
# can be sent): the .NET runtime this machine has (shared frameworks, xz-compressed), the three benchmarks published
# framework-dependent (each a few MB, with their runtime settings in their runtimeconfig.json), and Debian's NGINX
# with its libraries (bench/GatewayOverhead/README.md).
set -e
cd "$(dirname "$0")/.."
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
mkdir -p artifacts/fd artifacts/nginx/lib
tar cf - -C "$root" dotnet host "shared/Microsoft.NETCore.App/$version" "shared/Microsoft.AspNetCore.App/$version" \
  | xz -T0 -6 > artifacts/dotnet-runtime.tar.xz
for project in ClientFidelity SimulatorCapacity GatewayOverhead; do
  dotnet publish "bench/$project" -c Release -p:DebugType=none -o "artifacts/fd/$project"
done
cp /usr/sbin/nginx artifacts/nginx/
for lib in libcrypt.so.1 libpcre2-8.so.0 libssl.so.3 libcrypto.so.3 libz.so.1; do
  cp -L "$(ldconfig -p | awk -v l=$lib '$1 == l { print $NF; exit }')" artifacts/nginx/lib/
done
du -sh artifacts
