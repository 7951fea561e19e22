#!/usr/bin/env bash
# Installs the build tree at $1 into a scratch prefix and builds consumer.c
# against it twice: with CMake's find_package(zhttp) and with pkg-config.
set -euo pipefail
build=$1 scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
cmake -S "$here" -B "$scratch/cmake-consumer" -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/cmake-consumer" >/dev/null
LD_LIBRARY_PATH="$scratch/prefix/lib" "$scratch/cmake-consumer/consumer"
libdir=$(ls -d "$scratch"/prefix/lib*/pkgconfig | head -n 1)
export PKG_CONFIG_PATH=$libdir
cc -std=c11 "$here/consumer.c" $(pkg-config --cflags --libs zhttp) -o "$scratch/pc-consumer"
LD_LIBRARY_PATH="$(dirname "$libdir")" "$scratch/pc-consumer"
cc -std=c11 -static-libgcc "$here/consumer.c" $(pkg-config --cflags zhttp) "$(dirname "$libdir")/libzhttp.a" -pthread -o "$scratch/static-consumer"
"$scratch/static-consumer"
echo "install: ok"
