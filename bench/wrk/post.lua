-- Sends BENCH_BODY as JSON (method BENCH_METHOD, default POST; a GET sends no body) with `Authorization: Bearer BENCH_TOKEN` (when set); used by bench/Runner.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
if wrk.method ~= "GET" then
  wrk.body = os.getenv("BENCH_BODY") or "{}"
end
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
