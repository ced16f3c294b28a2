#!/bin/sh
# Builds the load-probe runner (gatling/target/classes + gatling/target/lib/*) from the root build, with the same
# Maven, local repository and offline mode as the parent build. Arguments: <maven-home> offline=<true|false> <repo>
set -e
MVN="$1/bin/mvn"
OFFLINE=""
[ "$2" = "offline=true" ] && OFFLINE="-o"
cd "$(dirname "$0")"
exec "$MVN" -B -ntp -q $OFFLINE -Dmaven.repo.local="$3" -DskipTests package
