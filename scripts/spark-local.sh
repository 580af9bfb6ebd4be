#!/usr/bin/env bash
# Runs the .npy pooling job (dev.clpool.spark.NpyPoolJob, see spark/README.md) on Spark in local mode, with the
# Spark of the Maven build:
#   scripts/spark-local.sh --input DIR --output DIR --mode avg|max --output-size SPEC [--format parquet|npy]
#                          [--device D] [--master local[N]] [--on-bad fail|skip]
# Needs the core in the local Maven repository (mvn -B install -DskipTests in the repository root); builds spark/
# when it has not been built or its sources changed since. Exits with the job's code: 0, 1 a failure, 2 bad
# arguments or a bad shard.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spark="$root/spark"
master="local[*]"
args=()
while (($#)); do
  case "$1" in
    --master)
      [ $# -ge 2 ] || { echo "spark-local: --master needs a value, e.g. local[2]" >&2; exit 2; }
      master="$2"; shift 2 ;;
    -h|--help) sed -n '4,5p' "$0" | sed 's/^# *//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$master" in
  local|local\[*\]) ;;
  *) echo "spark-local: --master $master: runs in local mode only (local or local[N]); use spark-submit for a cluster" >&2; exit 2 ;;
esac

# The class path of Spark and clpool from the build, remade when spark/'s sources are newer than it.
classpath_file="$spark/target/classpath.txt"
if [ ! -s "$classpath_file" ] || [ -n "$(find "$spark/pom.xml" "$spark/src/main" -newer "$classpath_file" -print -quit)" ]; then
  echo "spark-local: building spark/ ..." >&2
  if ! mvn -q -B -f "$spark/pom.xml" -DskipTests compile dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath_file" >&2; then
    rm -f "$classpath_file"
    echo "spark-local: the build of spark/ failed; is the core installed? (mvn -B install -DskipTests in $root)" >&2
    exit 1
  fi
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_home="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
# Spark's module flags for Java 17+ (as spark/pom.xml gives its tests), and native access for JOCL and clpool.
flags=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
  --enable-native-access=ALL-UNNAMED
)
# PoCL's LLVM replaces the JVM's SIGSEGV handler unless the JVM chains signals (see the README).
export LD_PRELOAD="$java_home/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
export SPARK_LOCAL_IP=127.0.0.1
exec "$java" "${flags[@]}" \
  -Dlog4j2.configurationFile="$spark/conf/log4j2-local.properties" \
  -Dspark.master="$master" -Dspark.ui.enabled=false -Dspark.driver.bindAddress=127.0.0.1 -Dspark.driver.host=127.0.0.1 \
  -Dspark.plugins=dev.clpool.spark.ClpoolPlugin \
  -cp "$spark/target/classes:$(cat "$classpath_file")" dev.clpool.spark.NpyPoolJob "${args[@]}"
