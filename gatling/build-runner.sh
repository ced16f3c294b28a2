#!/bin/sh
# Builds the load-probe runner (gatling/target/classes + gatling/target/lib/*) from the root build, with the same
# Maven, local repository and offline mode as the parent build; its unit tests run unless the parent skips tests.
# Arguments: <maven-home> offline=<true|false> <local-repository> skipTests=<true|...>
set -e
MVN="$1/bin/mvn"
OFFLINE=""
SKIP=""
[ "$2" = "offline=true" ] && OFFLINE="-o"
[ "$4" = "skipTests=true" ] && SKIP="-DskipTests"
cd "$(dirname "$0")"
exec "$MVN" -B -ntp -q $OFFLINE -Dmaven.repo.local="$3" $SKIP package
