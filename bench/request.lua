-- wrk script: the headers every CG request carries, and an optional body.
-- Set by bench/run:
--   BENCH_TOKEN, BENCH_METHOD, BENCH_BODY   the request
--   BENCH_IDS   a file of CG ids, one a line: then each request goes to
--               the URL's path + "/<next id>" + BENCH_SUFFIX, round robin
--               (each wrk thread starts at a different place), so writes
--               spread over many rows instead of queueing for one; a
--               "{n}" in BENCH_BODY is then replaced by a new number each time.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["X-Auth-Token"] = os.getenv("BENCH_TOKEN")
wrk.headers["X-OpenStack-Manila-API-Version"] = "2.30"
wrk.headers["X-OpenStack-Manila-API-Experimental"] = "True"
-- Cinder's version header; Manila's listener reads only its own service's.
wrk.headers["OpenStack-API-Version"] = "volume 3.71"
wrk.headers["Content-Type"] = "application/json"

-- Only with BENCH_IDS is there a request() function: without one, wrk
-- sends its one prepared request and spends no Lua time per request.
if os.getenv("BENCH_IDS") then
  local ids = {}
  local next_id = 1
  local suffix = os.getenv("BENCH_SUFFIX") or ""
  local threads = 0

  function setup(thread)
    threads = threads + 1
    thread:set("offset", threads * 997)
  end

  function init(args)
    for line in io.lines(os.getenv("BENCH_IDS")) do
      if line ~= "" then ids[#ids + 1] = line end
    end
    next_id = ((offset or 0) % #ids) + 1
  end

  -- A body with "{n}" gets a new number each time, so repeated updates
  -- of one row keep changing it (Cinder refuses an update to the same values).
  local counter = 0
  local varying = wrk.body and wrk.body:find("{n}", 1, true)

  function request()
    local id = ids[next_id]
    next_id = next_id % #ids + 1
    local body = nil
    if varying then
      counter = counter + 1
      body = wrk.body:gsub("{n}", tostring((offset or 0) * 1000000 + counter))
    end
    return wrk.format(nil, wrk.path .. "/" .. id .. suffix, nil, body)
  end
end
