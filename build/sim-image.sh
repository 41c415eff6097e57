#!/usr/bin/env bash
# Builds the simulator's Docker image locally, with no registry: a self-contained publish of src/Simulator plus the
# shared libraries `ldd` names, tarred into a root file system and `docker import`ed.
# Usage: build/sim-image.sh [image-tag]   (default gpubench/simulator:local)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-gpubench/simulator:local}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/app" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"

dotnet publish "$root/src/Simulator/Simulator.csproj" -c Release -r linux-x64 --self-contained \
  -p:InvariantGlobalization=true -p:UseAppHost=true -o "$rootfs/app" --nologo -v quiet

# Every shared library the host and the runtime's native parts link against, at the same path in the image,
# plus the dynamic loader itself.
libraries=$(
  for binary in "$rootfs/app/GpuBench.Simulator" "$rootfs"/app/*.so; do
    ldd "$binary" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/[^ ]*ld-linux/{print $1}'
  done | sort -u
)
for library in $libraries; do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

tar -C "$rootfs" -c . | docker import \
  --change 'ENTRYPOINT ["/app/GpuBench.Simulator"]' \
  --change 'WORKDIR /app' \
  --change 'ENV DOTNET_EnableDiagnostics=0' \
  --change 'EXPOSE 8000' \
  - "$tag" >/dev/null
echo "$tag"
