#!/usr/bin/env bash
# Benchmark (not a test): `esp-release inspect` on a 16 MiB app image against two baselines
# measured in the same run on the same file: `sha256sum` and `dotnet` running an empty program.
# Target: inspect <= 2 x (empty dotnet program + sha256sum). Prints min and median of N runs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-9}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$repo/src/EspRelease.Cli" -c Release -nologo -v:quiet -o "$work/cli" >/dev/null

# A valid 16 MiB ESP32-S2 app: descriptor segment, then 4 segments of 4 MiB - 64 bytes, checksum, SHA-256.
python3 - "$work/big.bin" <<'PY'
import hashlib, os, struct, sys
segments = [(0x3f000020, struct.pack('<II', 0xABCD5432, 0) + bytes(8) + b'1.0.0'.ljust(32, b'\0') + b'bench'.ljust(32, b'\0') + bytes(256 - 80))]
segments += [(0x3ffb0000, os.urandom(4 * 1024 * 1024 - 64)) for _ in range(4)]
out = bytearray(b'\xe9' + bytes([len(segments)]) + b'\x02\x1f' + struct.pack('<I', 0x40022f84) + b'\xee' + bytes(14) + b'\x01')
xor = 0xEF
for address, data in segments:
    out += struct.pack('<II', address, len(data)) + data
    # XOR of all bytes: fold the number's upper half onto its lower half until one byte is left.
    acc, n = int.from_bytes(data, 'little'), len(data)
    while n > 1:
        half = (n + 1) // 2
        acc, n = (acc & ((1 << (8 * half)) - 1)) ^ (acc >> (8 * half)), half
    xor ^= acc
out += bytes(((len(out) + 16) & ~15) - 1 - len(out)) + bytes([xor])
out += hashlib.sha256(out).digest()
open(sys.argv[1], 'wb').write(out)
PY

mkdir -p "$work/empty"
cat > "$work/empty/empty.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
</Project>
XML
echo 'return 0;' > "$work/empty/Program.cs"
dotnet build "$work/empty" -c Release -nologo -v:quiet -o "$work/empty/out" >/dev/null

# Runs a command N times and prints "min median" in milliseconds.
measure() {
  local times=()
  "$@" >/dev/null 2>&1 || true   # warm the page cache
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[1], a[int((NR+1)/2)]}'
}

size=$(stat -c %s "$work/big.bin")
dotnet "$work/cli/esp-release.dll" inspect "$work/big.bin" >/dev/null || { echo "bench: the generated image does not inspect as valid" >&2; exit 1; }

read -r sha_min sha_med < <(measure sha256sum "$work/big.bin")
read -r empty_min empty_med < <(measure dotnet "$work/empty/out/empty.dll")
read -r insp_min insp_med < <(measure dotnet "$work/cli/esp-release.dll" inspect "$work/big.bin")
read -r json_min json_med < <(measure dotnet "$work/cli/esp-release.dll" inspect "$work/big.bin" --json)

baseline=$((empty_med + sha_med))
printf 'image: %d bytes, %d runs each (ms)\n' "$size" "$runs"
printf '%-28s %6s %6s\n' "" min median
printf '%-28s %6d %6d\n' "sha256sum" "$sha_min" "$sha_med"
printf '%-28s %6d %6d\n' "dotnet empty program" "$empty_min" "$empty_med"
printf '%-28s %6d %6d\n' "esp-release inspect" "$insp_min" "$insp_med"
printf '%-28s %6d %6d\n' "esp-release inspect --json" "$json_min" "$json_med"
awk -v i="$insp_med" -v b="$baseline" 'BEGIN { r = i / b; printf "inspect / (empty + sha256sum) = %.2f (target <= 2.00): %s\n", r, (r <= 2 ? "met" : "NOT met") }'
