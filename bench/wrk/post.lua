-- POSTs BENCH_BODY as JSON with `Authorization: Bearer BENCH_TOKEN` (when set); used by bench/Runner.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
