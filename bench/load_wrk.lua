-- bench/load.py's wrk client. Each thread counts the responses that are not 200 (a redirect to
-- the sign-in page is one); after the run, one line of figures for load.py to read: p50 and
-- p95 of the response time in microseconds, requests, seconds, responses not 200, and socket
-- errors.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    "LOAD %d %d %d %f %d %d\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.duration / 1e6, bad,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
