#!/usr/bin/env bash
# Compiles the esp_release_ota component (core and glue) and the mixed-repo sample's main.c to objects
# against tests/esp-idf-stubs (ESP-IDF v5.3's declarations) and the host's Mbed TLS and cJSON headers,
# with prototypes enforced: a call that no longer matches ESP-IDF's signature is a compile error.
# Nothing is linked or run. README.md says more.
#
#   compile.sh [-o OUT_DIR] [--glue SRC_DIR] [--main MAIN_C]
#
# --glue and --main compile another copy instead of the repository's (the tests compile a broken one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
component="$repo/templates/esp_release_ota"
out="$here/build"
glue="$component/src"
main="$repo/templates/mixed-repo/firmware/main/main.c"
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --glue) glue="$2"; shift 2 ;;
    --main) main="$2"; shift 2 ;;
    *) echo "compile.sh: unknown argument $1" >&2; exit 1 ;;
  esac
done
mkdir -p "$out"

# ESP-IDF 5.x builds with gnu17; the rest is stricter than its defaults, so that a missing or changed
# prototype cannot slip through as an implicit declaration or a K&R-style one.
flags=(-std=gnu17 -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow -c)
cjson=(-I/usr/include/cjson)

core_include="$component/core/include"

count=0
compile() { # compile <source> <include flags...>; $suffix names the object of a second configuration
  local source="$1"; shift
  "${CC:-cc}" "${flags[@]}" "$@" "$source" -o "$out/$(basename "$source" .c)${suffix:-}.o"
  count=$((count + 1))
}
for source in "$component"/core/src/*.c; do
  compile "$source" -I"$core_include" -I"$component/core/src" "${cjson[@]}"
done
# The glue and the sample see only the stubs, the component's headers and Mbed TLS; twice, so that both
# sides of every Kconfig choice the glue tests (tests/esp-idf-stubs/sdkconfig.h) are compiled.
for choices in "" -DESP_RELEASE_STUB_OTHER_CHOICES; do
  suffix="${choices:+-other}"
  for source in "$glue"/*.c; do
    compile "$source" ${choices:+"$choices"} -I"$here/../esp-idf-stubs" -I"$component/include" -I"$core_include" -I"$glue"
  done
  compile "$main" ${choices:+"$choices"} -I"$here/../esp-idf-stubs" -I"$component/include" -I"$core_include"
done
echo "compile.sh: $count files compiled against the ESP-IDF v5.3 stubs into $out"
