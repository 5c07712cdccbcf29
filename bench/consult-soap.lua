-- wrk script for bench/consult.ts: MAGDA GeefDossierKBI over SOAP (POST /api/magda/soap), the same
-- questions as consult.lua (a random partner and a person of its integration register), one line
-- per question in the file given after `--`: "<token> <insz> <client id>". Every answer is read:
-- only a 200 that carries a KBIDossier and no Uitzondering counts as a dossier; Uitzonderingen (by
-- their code), SOAP faults and other statuses are counted as errors by kind. Prints one line:
-- requests, duration (µs), p50 and p99 (µs), socket errors (connect, read, write, timeout),
-- dossiers, then the errors as kind=count pairs.
local questions = {}
local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
  for line in io.lines(args[1]) do
    local token, insz, client = line:match("^(%S+) (%S+) (%S+)$")
    if token then questions[#questions + 1] = { "Bearer " .. token, insz, client } end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  dossiers = 0
  errors = {}
end

local head = '<?xml version="1.0" encoding="UTF-8"?>'
  .. '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>'
  .. '<web:GeefDossierKBI xmlns:web="http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be"><Verzoek><Context>'
  .. '<Naam>GeefDossierKBI</Naam><Versie>01.00.0000</Versie><Bericht><Type>VRAAG</Type><Tijdstip><Datum>2026-12-05</Datum>'
  .. '<Tijd>12:00:00.000</Tijd></Tijdstip><Afzender><Identificatie>'
local serial = 0

function request()
  local q = questions[math.random(#questions)]
  serial = serial + 1
  local body = head .. q[3] .. '</Identificatie><Referte>bench-' .. serial .. '</Referte><Hoedanigheid>1</Hoedanigheid>'
    .. '</Afzender></Bericht></Context><Vragen><Vraag><Referte>v' .. serial .. '</Referte><Inhoud><INSZ>' .. q[2]
    .. '</INSZ></Inhoud></Vraag></Vragen></Verzoek></web:GeefDossierKBI></soapenv:Body></soapenv:Envelope>'
  return wrk.format("POST", "/api/magda/soap",
    { ["Content-Type"] = "text/xml; charset=utf-8", ["Authorization"] = q[1], ["Kbi-Purpose"] = "BEGELEIDING_OCMW_CLIENT" }, body)
end

local function count(kind) errors[kind] = (errors[kind] or 0) + 1 end

function response(status, headers, body)
  if status == 200 then
    if body:find("<Uitzondering>", 1, true) then
      count("Uitzondering " .. (body:match("<Uitzondering>%s*<Identificatie>([^<]*)<") or "?"))
    elseif body:find("<KBIDossier>", 1, true) then
      dossiers = dossiers + 1
    else
      count("answer without KBIDossier")
    end
  elseif body:find("Fault>", 1, true) then
    count("SOAP fault " .. status)
  else
    count("HTTP " .. status)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local ok, total = 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("dossiers")
    for kind, n in pairs(thread:get("errors")) do total[kind] = (total[kind] or 0) + n end
  end
  local parts = {}
  for kind, n in pairs(total) do parts[#parts + 1] = kind:gsub("[ =;]", "_") .. "=" .. n end
  io.write(string.format("KBI-SOAP-RESULT %d %d %d %d %d %d %d %d %d %s\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout, ok, table.concat(parts, ";")))
end
