#!/bin/sh
# One shard of a load probe in an indexed Job: reads the plan from /plan/plan.json, writes summary.json, the
# Gatling results and its simulation.log under /results/<probe>/shard-<index>. The plan's rateShare is already 1/N.
# Last, it prints its summary as one line "LLM_CANARY_SUMMARY {json}": the service reads it from the pod log (so
# the service needs no shared volume) and merges the shards. A shard that wrote a summary exits 0 even when
# Gatling's assertions failed: the service judges the merged run; a non-zero exit means no results.
INDEX="${JOB_COMPLETION_INDEX:-0}"
OUT="/results/${PROBE_ID}/shard-${INDEX}"
mkdir -p "$OUT" || exit 1
sed "s#\"output\":\"[^\"]*\"#\"output\":\"${OUT}\"#" /plan/plan.json > /tmp/plan.json || exit 1
java --add-opens java.base/java.lang=ALL-UNNAMED ${JAVA_OPTS:--Xmx512m} -cp '/runner/classes:/runner/lib/*' \
  -Dplan=/tmp/plan.json io.gatling.app.Gatling \
  --simulation dev.llmcanary.loadprobe.sim.StreamingProbeSimulation --results-folder "$OUT/results" --launcher k8s
CODE=$?
if [ -s "$OUT/summary.json" ]; then
  printf 'LLM_CANARY_SUMMARY %s\n' "$(tr -d '\n' < "$OUT/summary.json")"
  exit 0
fi
echo "shard ${INDEX}: no summary.json (Gatling exited with ${CODE})" >&2
exit "${CODE:-1}"
