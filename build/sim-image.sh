#!/usr/bin/env bash
# Builds the simulator's Docker image locally, with no registry: a self-contained publish of src/Simulator plus the
# shared libraries `ldd` names, tarred into a root file system and `docker import`ed.
# Usage: build/sim-image.sh [image-tag]   (default gpubench/simulator:local)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-gpubench/simulator:local}

# Rebuild only when the simulator's sources changed: the image carries a hash of them as a label.
source_hash=$(cd "$root" && find src/Simulator src/Simulation src/Core src/ServiceDefaults Directory.Build.props Directory.Packages.props \
  -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.yml' -o -name '*.props' -o -name '*.json' \) -not -path '*/bin/*' -not -path '*/obj/*' \
  | sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ "$(docker image inspect --format '{{index .Config.Labels "gpubench.source"}}' "$tag" 2>/dev/null)" = "$source_hash" ]; then
  echo "$tag"
  exit 0
fi

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
    ldd "$binary" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
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
  --change "LABEL gpubench.source=$source_hash" \
  - "$tag" >/dev/null
echo "$tag"
