#!/usr/bin/env bash
# Runs a workflow over REST, watches its job (newline-delimited JSON) until a chosen event sequence, drops the
# stream, then resumes with ?afterSequence= and follows the job to its end. Needs curl and python3 (to read JSON).
#
#   WORKFLOWS_TOKEN=... ./run-and-watch.sh
#
# Environment: WORKFLOWS_REST (http://127.0.0.1:8080), WORKFLOWS_TOKEN, APP (blog), WORKFLOW (main),
# VARIABLES (JSON object, {"topic":"otters"}), RESUME_AFTER (2).
set -euo pipefail
rest=${WORKFLOWS_REST:-http://127.0.0.1:8080}
resume_after=${RESUME_AFTER:-2}
auth="authorization: Bearer ${WORKFLOWS_TOKEN:-}"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

body=$(APP=${APP:-blog} WORKFLOW=${WORKFLOW:-} VARIABLES=${VARIABLES:-'{"topic":"otters"}'} python3 -c '
import json, os
print(json.dumps({"appId": os.environ["APP"], "workflow": os.environ["WORKFLOW"],
                  "variables": json.loads(os.environ["VARIABLES"]), "wait": "0s"}))')
job=$(curl -sS --fail-with-body -H "$auth" -H 'content-type: application/json' -d "$body" "$rest/v1/runs" | json 'd["job"]["id"]')
echo "job $job"

# First watch: one line per event; head closes the stream after the chosen number of events (sequences start at 1).
# (curl exits 23 when head has closed the pipe: that is the point, so its status is ignored.)
{ curl -sSN -H "$auth" "$rest/v1/jobs/$job:watch?afterSequence=0" 2>/dev/null || true; } | head -n "$resume_after" |
  python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)["event"]
    print(("%s %s %s" % (e["sequence"], e["type"], e.get("blockId", ""))).rstrip())'
echo "resuming after $resume_after"

curl -sSN --fail-with-body -H "$auth" "$rest/v1/jobs/$job:watch?afterSequence=$resume_after" | RESUME_AFTER=$resume_after python3 -c '
import json, os, sys
expected, terminal = int(os.environ["RESUME_AFTER"]) + 1, None
for line in sys.stdin:
    e = json.loads(line)["event"]
    if int(e["sequence"]) != expected:
        sys.exit("error: expected sequence %d, got %s" % (expected, e["sequence"]))
    expected += 1
    print(("%s %s %s" % (e["sequence"], e["type"], e.get("blockId", ""))).rstrip())
    if e["type"] in ("job_succeeded", "job_failed", "job_cancelled"):
        terminal = e
if terminal is None:
    sys.exit("error: the stream ended without a terminal event")
if terminal["type"] != "job_succeeded":
    sys.exit("error: %s: %s" % (terminal["type"], terminal.get("error", "")))
print("result " + json.dumps(terminal.get("output")))'
