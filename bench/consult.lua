-- wrk script for bench/consult.ts: each request a random (partner token, INSZ) pair of the file
-- given after `--`, one pair per line: "<token> <insz>". Prints one result line for the bench:
-- requests, duration (µs), p50 and p99 (µs), socket errors by kind (connect, read, write,
-- timeout) and answers that were not 2xx (their codes: bench/consult-statuses.lua).
local questions = {}

function init(args)
  for line in io.lines(args[1]) do
    local token, insz = line:match("^(%S+) (%S+)$")
    if token then questions[#questions + 1] = { "Bearer " .. token, insz } end
  end
  -- Each thread its own sequence.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local q = questions[math.random(#questions)]
  return wrk.format("POST", "/api/exchange/v1/dossiers/consult",
    { ["Content-Type"] = "application/json", ["Authorization"] = q[1] },
    '{"insz":"' .. q[2] .. '","purpose":"BEGELEIDING_OCMW_CLIENT"}')
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("KBI-RESULT %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout, e.status))
end
