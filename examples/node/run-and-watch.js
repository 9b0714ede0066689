// Runs a workflow over gRPC, watches its job until a chosen event sequence, drops the stream (as a lost connection
// would), then resumes with WatchJob after that sequence and follows the job to its end. The protos are loaded at run
// time from ../../protos (no generated code); google/api/annotations.proto comes from the googleapis protos.
//
//   npm ci && WORKFLOWS_TOKEN=... node run-and-watch.js
//
// Environment: WORKFLOWS_GRPC (127.0.0.1:8081), WORKFLOWS_TOKEN, APP (blog), WORKFLOW (main),
// VARIABLES (JSON object, {"topic":"otters"}), RESUME_AFTER (2), GOOGLEAPIS_PROTOS (found in the NuGet cache when unset).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function googleapisDir() {
  if (process.env.GOOGLEAPIS_PROTOS) return process.env.GOOGLEAPIS_PROTOS;
  const packages = process.env.NUGET_PACKAGES || path.join(os.homedir(), '.nuget', 'packages');
  const root = path.join(packages, 'google.api.commonprotos');
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
  if (versions.length === 0) throw new Error('set GOOGLEAPIS_PROTOS to a folder holding google/api/annotations.proto');
  return path.join(root, versions[versions.length - 1], 'content', 'protos');
}

// google.protobuf.Struct / Value <-> plain JavaScript values.
function toValue(v) {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v) };
}
function toStruct(o) {
  const fields = {};
  for (const [k, v] of Object.entries(o)) fields[k] = toValue(v);
  return { fields };
}
function fromValue(v) {
  if (!v) return null;
  switch (v.kind) {
    case 'stringValue': return v.stringValue;
    case 'numberValue': return v.numberValue;
    case 'boolValue': return v.boolValue;
    case 'listValue': return (v.listValue.values || []).map(fromValue);
    case 'structValue': return Object.fromEntries(Object.entries(v.structValue.fields || {}).map(([k, x]) => [k, fromValue(x)]));
    default: return null;
  }
}

function watch(client, metadata, jobId, afterSequence, onEvent) {
  return new Promise((resolve, reject) => {
    const call = client.WatchJob({ jobId, afterSequence: String(afterSequence) }, metadata);
    let stopped = false;
    call.on('data', (response) => {
      if (stopped) return;
      if (onEvent(response.event) === false) {
        stopped = true;
        call.cancel();
        resolve();
      }
    });
    call.on('end', () => resolve());
    call.on('error', (e) => (stopped && e.code === grpc.status.CANCELLED ? resolve() : reject(e)));
  });
}

async function main() {
  const protos = path.resolve(__dirname, '..', '..', 'protos');
  const definition = protoLoader.loadSync(path.join(protos, 'workflows/v1/workflow_service.proto'), {
    includeDirs: [protos, googleapisDir()],
    longs: String, enums: String, defaults: true, oneofs: true,
  });
  const v1 = grpc.loadPackageDefinition(definition).workflows.v1;
  const client = new v1.WorkflowService(process.env.WORKFLOWS_GRPC || '127.0.0.1:8081', grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.add('authorization', 'Bearer ' + (process.env.WORKFLOWS_TOKEN || ''));
  const resumeAfter = Number(process.env.RESUME_AFTER || '2');

  const run = await new Promise((resolve, reject) => client.Run({
    appId: process.env.APP || 'blog',
    workflow: process.env.WORKFLOW || '',
    variables: toStruct(JSON.parse(process.env.VARIABLES || '{"topic":"otters"}')),
    wait: { seconds: 0, nanos: 0 },   // return at once with the job id
  }, metadata, (e, r) => (e ? reject(e) : resolve(r))));
  const jobId = run.job.id;
  console.log(`job ${jobId}`);

  // First watch: stop once the chosen sequence arrived, as if the connection dropped.
  await watch(client, metadata, jobId, 0, (event) => {
    console.log(`${event.sequence} ${event.type} ${event.blockId}`.trimEnd());
    return Number(event.sequence) < resumeAfter;
  });
  console.log(`resuming after ${resumeAfter}`);

  let expected = resumeAfter + 1;
  let terminal = null;
  await watch(client, metadata, jobId, resumeAfter, (event) => {
    if (Number(event.sequence) !== expected) throw new Error(`expected sequence ${expected}, got ${event.sequence}`);
    expected += 1;
    console.log(`${event.sequence} ${event.type} ${event.blockId}`.trimEnd());
    if (['job_succeeded', 'job_failed', 'job_cancelled'].includes(event.type)) terminal = event;
    return true;
  });
  if (!terminal) throw new Error('the stream ended without a terminal event');
  if (terminal.type !== 'job_succeeded') throw new Error(`${terminal.type}: ${terminal.error}`);
  console.log(`result ${JSON.stringify(fromValue(terminal.output))}`);
  client.close();
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
