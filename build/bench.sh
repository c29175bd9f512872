#!/usr/bin/env bash
# Benchmark (not a test): `esp-release inspect` and `pack` on a 16 MiB app image against baselines
# measured in the same run on the same file: `sha256sum` and `dotnet` running an empty program.
# Targets: inspect <= 1.3 x (empty dotnet program + sha256sum); pack < 0.3 s beyond the empty
# program's run (process start). Prints min and median of N runs. Then, unless SKIP_MSBUILD=1, the
# EspRelease.MSBuild package on the same build: `dotnet build -t:EspReleasePack` when the tool runs
# and when it is up to date, against a target of the same project that runs nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-9}"
work="$(mktemp -d)"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

# The tool as users get it: packed (ReadyToRun for this machine's platform, as the RID-specific
# package ships) and installed with dotnet tool install; timed through the same `dotnet` host as
# the empty program.
rid="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)"
dotnet pack "$repo/src/EspRelease.Cli" -c Release -nologo -v:quiet -o "$work/tool-feed" -p:EspReleaseToolRuntimeIdentifiers="$rid" >/dev/null
tool_version="$(basename "$(ls "$work"/tool-feed/EspRelease.Tool.[0-9]*.nupkg)" .nupkg)"; tool_version="${tool_version#EspRelease.Tool.}"
dotnet tool install EspRelease.Tool --tool-path "$work/tool" --add-source "$work/tool-feed" --version "$tool_version" >/dev/null
cli="$(dirname "$(readlink -f "$work/tool/dotnet-esp-release")")/esp-release.dll"

# A valid 16 MiB ESP32-S2 app (chip id 2): descriptor segment, then 4 segments of 4 MiB - 64 bytes, checksum, SHA-256.
python3 - "$work/big.bin" <<'PY'
import hashlib, os, struct, sys
segments = [(0x3f000020, struct.pack('<II', 0xABCD5432, 0) + bytes(8) + b'1.0.0'.ljust(32, b'\0') + b'bench'.ljust(32, b'\0') + bytes(256 - 80))]
segments += [(0x3ffb0000, os.urandom(4 * 1024 * 1024 - 64)) for _ in range(4)]
out = bytearray(b'\xe9' + bytes([len(segments)]) + b'\x02\x1f' + struct.pack('<I', 0x40022f84) + b'\xee' + bytes(3) + struct.pack('<H', 2) + bytes(9) + b'\x01')
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

# A build directory around it: the fixture build (bootloader, flasher_args.json) with this app,
# its project name and version, and a partition table whose OTA slots hold 17 MiB.
fixtures="${ESP_RELEASE_FIXTURES:-$repo/../shared/fixtures}"
cp -r "$fixtures/idf-build/simple_ota" "$work/build" && chmod -R u+w "$work/build"
cp "$work/big.bin" "$work/build/blink.bin"
python3 - "$work/build" <<'PY'
import hashlib, json, struct, sys
build = sys.argv[1]
desc = json.load(open(f'{build}/project_description.json'))
desc.update(project_name='bench', project_version='1.0.0')
json.dump(desc, open(f'{build}/project_description.json', 'w'))
rows = [(1, 2, 0x9000, 0x4000, b'nvs'), (1, 0, 0xd000, 0x2000, b'otadata'),
        (0, 0x10, 0x10000, 0x1100000, b'ota_0'), (0, 0x11, 0x1110000, 0x1100000, b'ota_1')]
table = b''.join(struct.pack('<2sBBII16sI', b'\xaa\x50', t, st, off, size, label, 0) for t, st, off, size, label in rows)
table += b'\xeb\xeb' + b'\xff' * 14 + hashlib.md5(table).digest()
open(f'{build}/partition_table/partition-table.bin', 'wb').write(table.ljust(0xC00, b'\xff'))
PY
dotnet "$cli" keygen --out "$work/key.pem" >/dev/null
pack() { dotnet "$cli" pack "$work/build" --key "$work/key.pem" --out "$work/release"; }
pack >/dev/null || { echo "bench: the generated build does not pack" >&2; pack; exit 1; }

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
dotnet "$cli" inspect "$work/big.bin" >/dev/null || { echo "bench: the generated image does not inspect as valid" >&2; exit 1; }

read -r sha_min sha_med < <(measure sha256sum "$work/big.bin")
read -r empty_min empty_med < <(measure dotnet "$work/empty/out/empty.dll")
read -r insp_min insp_med < <(measure dotnet "$cli" inspect "$work/big.bin")
read -r json_min json_med < <(measure dotnet "$cli" inspect "$work/big.bin" --json)
read -r pack_min pack_med < <(measure pack)

baseline=$((empty_med + sha_med))
printf 'image: %d bytes, %d runs each (ms)\n' "$size" "$runs"
printf '%-28s %6s %6s\n' "" min median
printf '%-28s %6d %6d\n' "sha256sum" "$sha_min" "$sha_med"
printf '%-28s %6d %6d\n' "dotnet empty program" "$empty_min" "$empty_med"
printf '%-28s %6d %6d\n' "esp-release inspect" "$insp_min" "$insp_med"
printf '%-28s %6d %6d\n' "esp-release inspect --json" "$json_min" "$json_med"
printf '%-28s %6d %6d\n' "esp-release pack" "$pack_min" "$pack_med"
awk -v i="$insp_med" -v b="$baseline" 'BEGIN { r = i / b; printf "inspect / (empty + sha256sum) = %.2f (target <= 1.30): %s\n", r, (r <= 1.3 ? "met" : "NOT met") }'
awk -v p="$pack_med" -v e="$empty_med" 'BEGIN { d = p - e; printf "pack - empty program = %d ms (target < 300): %s; pack / empty program = %.2f\n", d, (d < 300 ? "met" : "NOT met"), p / e }'

# `esp-release version` on a repository of 20,000 commits with a v-tag every 100 (git fast-import),
# HEAD 7 commits after the last: against the least any tool must do, the empty program's start plus
# reading the commit graph once (`git log --format='%H %P'`). Target: <= 2.0 x that.
python3 - <<'PY' | (git init -q "$work/history" && cd "$work/history" && git fast-import --quiet && git checkout -q main)
import sys
for i in range(1, 20001):
    sys.stdout.write(f"commit refs/heads/main\nmark :{i}\ncommitter bench <bench@example.com> {1700000000 + i} +0000\ndata 2\nc\n")
    if i > 1:
        sys.stdout.write(f"from :{i - 1}\n")
    sys.stdout.write(f"M 644 inline f.txt\ndata {len(str(i))}\n{i}\n\n")
    if i % 100 == 0:
        sys.stdout.write(f"reset refs/tags/v1.{i // 100}.0\nfrom :{i}\n\n")
PY
for _ in 1 2 3 4 5 6 7; do git -C "$work/history" -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m c; done
git_log() { git -C "$work/history" log --format='%H %P' HEAD --; }
version() { (cd "$work/history" && dotnet "$cli" version); }
[ "$(version 2>/dev/null)" = "1.200.1-alpha.0.7" ] || { echo "bench: esp-release version gave '$(version)' on the generated history, not 1.200.1-alpha.0.7" >&2; exit 1; }
read -r log_min log_med < <(measure git_log)
read -r ver_min ver_med < <(measure version)
printf 'history: 20007 commits, 200 tags, %d runs each (ms)\n' "$runs"
printf '%-28s %6d %6d\n' "git log (the graph)" "$log_min" "$log_med"
printf '%-28s %6d %6d\n' "esp-release version" "$ver_min" "$ver_med"
awk -v v="$ver_med" -v b="$((empty_med + log_med))" 'BEGIN { r = v / b; printf "version / (empty + git log) = %.2f (target <= 2.00): %s\n", r, (r <= 2.0 ? "met" : "NOT met") }'

[ -n "${SKIP_MSBUILD:-}" ] && exit 0

# The package from a local feed, in a project of its own, as a user has it (restored once, offline).
dotnet pack "$repo/src/EspRelease.MSBuild" -c Release -nologo -v:quiet -o "$work/feed" >/dev/null
mkdir -p "$work/app"
cp "$repo/global.json" "$work/"
printf '<configuration><packageSources><clear /><add key="bench" value="%s" /></packageSources></configuration>\n' "$work/feed" > "$work/nuget.config"
version="$(basename "$(ls "$work"/feed/EspRelease.MSBuild.*.nupkg)" .nupkg)"; version="${version#EspRelease.MSBuild.}"
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <EspReleaseBuildDir>../build</EspReleaseBuildDir>
    <EspReleaseKeyFile>../key.pem</EspReleaseKeyFile>
  </PropertyGroup>
  <ItemGroup><PackageReference Include="EspRelease.MSBuild" Version="$version" PrivateAssets="all" /></ItemGroup>
</Project>
XML
export NUGET_PACKAGES="$work/packages" MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1
dotnet restore "$work/app" -v:quiet >/dev/null
msbuild() { dotnet build "$work/app" --no-restore -nologo -v:quiet "$@"; }
msbuild_pack_fresh() { rm -rf "$work/app/obj/Debug/net10.0/esp-release"; msbuild -t:EspReleasePack; }
msbuild -t:EspReleasePack >/dev/null || { echo "bench: the package does not pack the build" >&2; msbuild -t:EspReleasePack; exit 1; }

read -r base_min base_med < <(measure msbuild -t:_EspReleaseRequireBuildDir)
read -r mpack_min mpack_med < <(measure msbuild_pack_fresh)
read -r mnoop_min mnoop_med < <(measure msbuild -t:EspReleasePack)
printf '%-28s %6d %6d\n' "dotnet build, no pack" "$base_min" "$base_med"
printf '%-28s %6d %6d\n' "dotnet build -t:...Pack" "$mpack_min" "$mpack_med"
printf '%-28s %6d %6d\n' "  ... up to date" "$mnoop_min" "$mnoop_med"
awk -v m="$mpack_med" -v b="$base_med" -v p="$pack_med" 'BEGIN { printf "MSBuild pack - dotnet build doing nothing = %d ms (the CLI pack alone: %d ms); up to date: ", m - b, p }'
awk -v n="$mnoop_med" -v b="$base_med" 'BEGIN { printf "%+d ms\n", n - b }'
