-- wrk script of bench/forum/run.py: every request asks for the next path of a file.
--
--   wrk -t2 -c8 -d10s -s rotate.lua http://127.0.0.1:8101 -- PATHS THREADS [COOKIE]
--
-- PATHS holds one path a line. wrk thread i of THREADS (the -t value) asks for paths
-- i, i + THREADS, i + 2 * THREADS, ... wrapping at the end, so no two threads ask for the
-- same path together. COOKIE, when given, is sent with every request (a signed-in run).
-- At the end one line "RESULT {json}" gives the counts and latencies (microseconds),
-- including responses other than 200 (wrk's own "Non-2xx or 3xx" count would let a
-- redirect to the login page pass) and whether any thread went past the end of PATHS
-- (so that some path was asked for twice).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  count = #paths
  stride = tonumber(args[2])
  if args[3] then
    wrk.headers["Cookie"] = args[3]
  end
  position = id
  not_200 = 0
end

function request()
  local path = paths[position % #paths + 1]
  position = position + stride
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 then
    not_200 = not_200 + 1
  end
end

function done(summary, latency, requests)
  local bad, wrapped = 0, false
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_200")
    -- position is where the thread's next request would have started.
    if thread:get("position") - thread:get("stride") >= thread:get("count") then
      wrapped = true
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "not_200": %d, "wrapped": %s, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, bad, tostring(wrapped),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.timeout
  ))
end
