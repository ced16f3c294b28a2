#!/usr/bin/env bash
# Runs an llm-canary deployment gate from a CI job and exits with its verdict:
#   0 pass, 1 fail, 2 inconclusive (0 when the suite says `inconclusive: pass`), 3 usage or transport error.
# Needs bash and curl. The service URL and trigger token come from the environment:
#   LLM_CANARY_URL   (default http://localhost:8080)
#   LLM_CANARY_TOKEN (the trigger token, LLM_CANARY_API_TOKEN of the service)
#
# Usage: llm-canary-gate.sh --pool CANDIDATE_POOL [--suite default] [--endpoints a,b]
#          [--baseline-pool POOL | --baseline-gate GATE_ID | --baseline-window 1h [--baseline-pool POOL]]
#          [--key IDEMPOTENCY_KEY] [--wait SECONDS]
set -uo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 3
}

url="${LLM_CANARY_URL:-http://localhost:8080}"
token="${LLM_CANARY_TOKEN:-}"
suite="default" pool="" endpoints="" base_pool="" base_gate="" base_window="" key="" wait=900

while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite="${2:-}"; shift 2 ;;
    --pool) pool="${2:-}"; shift 2 ;;
    --endpoints) endpoints="${2:-}"; shift 2 ;;
    --baseline-pool) base_pool="${2:-}"; shift 2 ;;
    --baseline-gate) base_gate="${2:-}"; shift 2 ;;
    --baseline-window) base_window="${2:-}"; shift 2 ;;
    --key) key="${2:-}"; shift 2 ;;
    --wait) wait="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

name='^[a-z0-9][a-z0-9._-]{0,127}$'
[[ "$pool" =~ $name ]] || { echo "--pool must be a configured pool name" >&2; usage; }
[[ "$suite" =~ $name ]] || { echo "--suite must be a suite name" >&2; usage; }
[[ "$wait" =~ ^[0-9]+$ ]] || { echo "--wait must be a number of seconds" >&2; usage; }
[ -n "$token" ] || { echo "LLM_CANARY_TOKEN is not set" >&2; exit 3; }

# Build the JSON body from names only (the service rejects anything else).
eps=""
if [ -n "$endpoints" ]; then
  IFS=',' read -ra list <<< "$endpoints"
  for e in "${list[@]}"; do
    [[ "$e" =~ $name ]] || { echo "--endpoints must be endpoint names" >&2; usage; }
    eps="${eps:+$eps,}\"$e\""
  done
  eps=",\"endpoints\":[${eps}]"
fi
baseline=""
if [ -n "$base_gate" ]; then
  baseline=",\"baseline\":{\"gate\":\"${base_gate//[^A-Za-z0-9-]/}\"}"
elif [ -n "$base_window" ]; then
  baseline=",\"baseline\":{\"window\":\"${base_window//[^0-9a-z]/}\"${base_pool:+,\"pool\":\"${base_pool//[^a-z0-9._-]/}\"}}"
elif [ -n "$base_pool" ]; then
  baseline=",\"baseline\":{\"pool\":\"${base_pool//[^a-z0-9._-]/}\"}"
fi
idem=""
[ -n "$key" ] && idem=",\"idempotencyKey\":\"${key//[^A-Za-z0-9._:\/@-]/}\""
body="{\"suite\":\"$suite\",\"candidate\":{\"pool\":\"$pool\"$eps}$baseline$idem}"

headers="$(mktemp)"; out="$(mktemp)"
trap 'rm -f "$headers" "$out"' EXIT
code="$(curl -sS -o "$out" -D "$headers" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --max-time $((wait + 30)) --data "$body" "$url/api/gates?wait=$wait")" || { echo "cannot reach $url" >&2; exit 3; }

case "$code" in
  200|202|412) ;;
  *) echo "llm-canary answered HTTP $code:" >&2; cat "$out" >&2; echo >&2; exit 3 ;;
esac
location="$(grep -i '^location:' "$headers" | tr -d '\r' | awk '{print $2}')"
id="${location##*/}"
[ -n "$id" ] || { echo "no gate id in the answer" >&2; exit 3; }

# Still running after the wait (e.g. --wait 0): poll until it finishes or the wait is used up again.
deadline=$((SECONDS + wait))
while :; do
  text="$(curl -sS --fail-with-body -H 'Accept: text/plain' --max-time 30 "$url/api/gates/$id")" \
    || { echo "cannot read gate $id" >&2; exit 3; }
  state="$(printf '%s\n' "$text" | sed -n 's/^state: //p')"
  [ "$state" = "finished" ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    printf '%s\n' "$text"
    echo "gate $id still running after ${wait}s" >&2
    exit 2
  fi
  sleep 5
done

printf '%s\n' "$text"
verdict="$(printf '%s\n' "$text" | sed -n 's/^verdict: //p')"
passed="$(printf '%s\n' "$text" | sed -n 's/^passed: //p')"
if [ "$passed" = "true" ]; then exit 0; fi
case "$verdict" in
  fail) exit 1 ;;
  inconclusive) exit 2 ;;
  *) exit 3 ;;
esac
