#!/bin/sh
# One shard of a load probe in an indexed Job: reads the plan from /plan/plan.json, writes summary.json, the
# Gatling results and its simulation.log under /results/<probe>/shard-<index>. The plan's rateShare is already 1/N.
set -e
INDEX="${JOB_COMPLETION_INDEX:-0}"
OUT="/results/${PROBE_ID}/shard-${INDEX}"
mkdir -p "$OUT"
sed "s#\"output\":\"[^\"]*\"#\"output\":\"${OUT}\"#" /plan/plan.json > /tmp/plan.json
exec java --add-opens java.base/java.lang=ALL-UNNAMED ${JAVA_OPTS:--Xmx512m} -cp '/runner/classes:/runner/lib/*' \
  -Dplan=/tmp/plan.json io.gatling.app.Gatling \
  --simulation dev.llmcanary.loadprobe.sim.StreamingProbeSimulation --results-folder "$OUT/results" --launcher k8s
