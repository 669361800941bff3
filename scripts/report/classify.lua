-- wrk script: POST /classify with the questions of a seed-format JSONL file, in turn.
-- wrk -t2 -c8 -d300s --latency -s scripts/report/classify.lua URL -- FILE.jsonl TAXONOMY API_KEY
local questions, i, taxonomy, key = {}, 0, nil, nil
function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local q = line:match('"input"%s*:%s*"(.-[^\\])"')
    if q then questions[#questions + 1] = q end
  end
  file:close()
  taxonomy, key = args[2], args[3]
  i = math.random(#questions)
end
function request()
  i = i % #questions + 1
  local body = '{"taxonomy":"' .. taxonomy .. '","text":"' .. questions[i] .. '"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-API-Key"] = key}, body)
end
local errors = 0
function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, socket errors connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
