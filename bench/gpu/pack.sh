#!/usr/bin/env bash
# Packs what a GPU machine without Java needs into dist/jmim-gpu.tar.gz: a jlink'd JDK 25 runtime,
# jmim's jars and their dependencies, the GPU tests (dev.jmim.cuda, dev.jmim.gpu) and the JUnit console launcher.
# On the GPU machine: tar -xzf dist/jmim-gpu.tar.gz -C dist && bench/gpu/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/tools/env.sh"
cd "$root"
rm -rf mae/target/lib  # copy-dependencies adds, never removes: a dropped dependency would stay
mvn -B -q -ntp -DskipTests -Dspotless.skip=true -pl mae,bench -am package
mvn -B -q -ntp -DskipTests -Dspotless.skip=true -pl cuda-bindings,src/test -am test-compile
junit="$(grep -m1 -o '<junit.version>[^<]*' pom.xml | cut -d'>' -f2)"
dist="$root/dist"
rm -rf "$dist"
mkdir -p "$dist/lib" "$dist/test-lib"
cp mae/target/jmim-mae.jar mae/target/lib/*.jar bench/target/jmim-bench-*-SNAPSHOT.jar "$dist/lib/"
cp -r cuda-bindings/target/test-classes "$dist/test-classes"
cp -r src/test/target/test-classes/dev/jmim/gpu "$dist/test-classes/dev/jmim/"
mvn -B -q -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" \
  -DoutputDirectory="$dist/test-lib"
# The modules jdeps finds in jmim and its dependencies (java.sql: jackson's date types), plus what the
# JUnit console and jline look up at run time (java.management, jdk.unsupported, jdk.zipfs), and
# jdk.management for bench mae-step's heap-allocation figure.
modules=java.base,java.desktop,java.logging,java.management,java.sql,jdk.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs
# Uncompressed modules: gzip over the whole tree packs smaller than jlink's own zip.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-0 --output "$dist/runtime" > "$dist/jlink.log" 2>&1 || { cat "$dist/jlink.log"; exit 1; }
grep -v 'incubator modules' "$dist/jlink.log" || true
rm "$dist/jlink.log"
# libjvm.so without its local symbol table (29.8 → 24.8 MB; 1.5 MiB of the bundle): exported symbols stay,
# so it links and runs the same, but a crash report names fewer of the JVM's own native frames.
strip_tool="$(command -v strip || true)"
[[ -n "$strip_tool" ]] && "$strip_tool" --strip-unneeded "$dist/runtime/lib/server/libjvm.so"
tar -C "$dist" -czf "$root/jmim-gpu.tar.gz" runtime lib test-classes test-lib
rm -rf "$dist"/*
mv "$root/jmim-gpu.tar.gz" "$dist/"
ls -l "$dist/jmim-gpu.tar.gz" | awk '{printf "dist/jmim-gpu.tar.gz: %.1f MiB\n", $5 / 1048576}'
