-- The same load as consult.lua, counting the answers by HTTP status: run briefly, only when a
-- measured run had answers that were not 2xx, to say which (counting costs wrk a Lua call per answer).
dofile(debug.getinfo(1, "S").source:sub(2):gsub("consult%-statuses%.lua$", "consult.lua"))

local threads = {}
function setup(thread) table.insert(threads, thread) end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = status .. "=" .. n end
  io.write("KBI-STATUSES " .. table.concat(parts, ",") .. "\n")
end
