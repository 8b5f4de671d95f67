-- Shared by the OidcBench wrk scripts (prepended to each by OidcBench, which writes the combined script for wrk).
-- Each wrk thread has its own Lua state: the counters below are per thread; done() (in the main state) adds them
-- up through the thread objects kept by setup(). Everything a script needs comes from environment variables.
local threads = {}
local thread_count = 0

errors = 0          -- responses that were not what the script expects (status or body)
first_error = ""    -- the first of them, status and the start of the body

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
  if per_thread_setup then per_thread_setup(thread, thread_count) end
end

function fail(status, body)
  errors = errors + 1
  if first_error == "" then
    first_error = tostring(status) .. " " .. string.sub(body or "", 1, 200):gsub("[\r\n]", " ")
  end
end

function lines(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(list, line) end
  end
  return list
end

function done(summary, latency, requests)
  local script_errors, first, extra = 0, "", 0
  for _, t in ipairs(threads) do
    script_errors = script_errors + (t:get("errors") or 0)
    extra = extra + (t:get("extra") or 0)
    local f = t:get("first_error") or ""
    if first == "" and f ~= "" then first = f end
  end
  -- One machine-readable line; OidcBench parses it (latencies in microseconds).
  io.write(string.format("WRKRESULT requests=%d duration_us=%d non2xx3xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d "
      .. "script_errors=%d extra=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
      summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.timeout, script_errors, extra, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean))
  if first ~= "" then
    io.write("WRKFIRSTERROR " .. first .. "\n")
  end
end
