#!/usr/bin/env python3
"""Runs a workflow over gRPC, watches its job until a chosen event sequence, drops the stream (as a lost connection
would), then resumes with WatchJob after that sequence and follows the job to its end.

Stubs are generated from ../../protos at run time with protoc and the gRPC Python plugin (Debian:
python3-grpcio, protobuf-compiler, protobuf-compiler-grpc) into a temporary folder.

    WORKFLOWS_TOKEN=... python3 run_and_watch.py

Environment: WORKFLOWS_GRPC (127.0.0.1:8081), WORKFLOWS_TOKEN, APP (blog), WORKFLOW (main),
VARIABLES (JSON object, {"topic":"otters"}), RESUME_AFTER (2), GOOGLEAPIS_PROTOS (found in the NuGet cache when unset).
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOS = os.path.normpath(os.path.join(HERE, "..", "..", "protos"))
TERMINAL = ("job_succeeded", "job_failed", "job_cancelled")


def googleapis_dir():
    if os.environ.get("GOOGLEAPIS_PROTOS"):
        return os.environ["GOOGLEAPIS_PROTOS"]
    packages = os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages")
    found = sorted(glob.glob(os.path.join(packages, "google.api.commonprotos", "*", "content", "protos")))
    if not found:
        sys.exit("error: set GOOGLEAPIS_PROTOS to a folder holding google/api/annotations.proto")
    return found[-1]


def generate(out):
    googleapis = googleapis_dir()
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    files = sorted(glob.glob(os.path.join(PROTOS, "workflows", "v1", "*.proto")))
    files += [os.path.join(googleapis, "google", "api", name) for name in ("annotations.proto", "http.proto")]
    subprocess.run(["protoc", "-I", PROTOS, "-I", googleapis, "--python_out", out, "--grpc_python_out", out,
                    "--plugin=protoc-gen-grpc_python=" + plugin, *files], check=True)


def main():
    out = tempfile.mkdtemp(prefix="workflows-stubs-")
    try:
        generate(out)
        sys.path.insert(0, out)
        import grpc
        from google.protobuf import json_format, struct_pb2
        from google.protobuf.duration_pb2 import Duration
        from workflows.v1 import workflow_service_pb2 as pb
        from workflows.v1 import workflow_service_pb2_grpc as pb_grpc

        resume_after = int(os.environ.get("RESUME_AFTER", "2"))
        metadata = [("authorization", "Bearer " + os.environ.get("WORKFLOWS_TOKEN", ""))]
        with grpc.insecure_channel(os.environ.get("WORKFLOWS_GRPC", "127.0.0.1:8081")) as channel:
            client = pb_grpc.WorkflowServiceStub(channel)
            variables = struct_pb2.Struct()
            variables.update(json.loads(os.environ.get("VARIABLES", '{"topic": "otters"}')))
            run = client.Run(pb.RunRequest(app_id=os.environ.get("APP", "blog"), workflow=os.environ.get("WORKFLOW", ""),
                                           variables=variables, wait=Duration(seconds=0)), metadata=metadata)
            job_id = run.job.id
            print(f"job {job_id}", flush=True)

            # First watch: stop once the chosen sequence arrived, as if the connection dropped.
            stream = client.WatchJob(pb.WatchJobRequest(job_id=job_id, after_sequence=0), metadata=metadata)
            for response in stream:
                event = response.event
                print(f"{event.sequence} {event.type} {event.block_id}".rstrip(), flush=True)
                if event.sequence >= resume_after:
                    stream.cancel()
                    break
            print(f"resuming after {resume_after}", flush=True)

            expected, terminal = resume_after + 1, None
            for response in client.WatchJob(pb.WatchJobRequest(job_id=job_id, after_sequence=resume_after), metadata=metadata):
                event = response.event
                if event.sequence != expected:
                    sys.exit(f"error: expected sequence {expected}, got {event.sequence}")
                expected += 1
                print(f"{event.sequence} {event.type} {event.block_id}".rstrip(), flush=True)
                if event.type in TERMINAL:
                    terminal = event
            if terminal is None:
                sys.exit("error: the stream ended without a terminal event")
            if terminal.type != "job_succeeded":
                sys.exit(f"error: {terminal.type}: {terminal.error}")
            print("result " + json.dumps(json_format.MessageToDict(terminal.output)), flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line, like the CLI: the gRPC status or the failure, no stack trace
        sys.exit(f"error: {getattr(e, 'details', lambda: None)() or e}")
