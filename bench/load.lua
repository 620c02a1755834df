-- wrk script for bench/load.py: a mix of advice, venues and session posts. bench/load.py fills
-- in the --[[...]] placeholders (token, places, mix) and runs: wrk -s load.lua ...
local token = --[[TOKEN]]
local advice = --[[ADVICE]]
local venues = --[[VENUES]]
local started_at = --[[STARTED_AT]]
local advice_pct = --[[ADVICE_PCT]]
local venues_pct = --[[VENUES_PCT]]

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  advice_n, venues_n, post_n, status_201, other = 0, 0, 0, 0, 0
end

local function hex4()
  return string.format("%04x", math.random(0, 65535))
end

-- A random (version 4) UUID: the client's id for the session, new for every post.
local function uuid4()
  local variant = ({"8", "9", "a", "b"})[math.random(4)]
  return hex4() .. hex4() .. "-" .. hex4() .. "-4" .. string.sub(hex4(), 2) .. "-" .. variant ..
         string.sub(hex4(), 2) .. "-" .. hex4() .. hex4() .. hex4()
end

local post_headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}

function request()
  local r = math.random(100)
  if r <= advice_pct then
    advice_n = advice_n + 1
    return wrk.format("GET", "/api/v1/advice?" .. advice[math.random(#advice)])
  elseif r <= advice_pct + venues_pct then
    venues_n = venues_n + 1
    return wrk.format("GET", "/api/v1/venues?" .. venues[math.random(#venues)])
  end
  post_n = post_n + 1
  local body = string.format(
    '{"id":"%s","started_at":"%s","duration_s":%d,"distance_m":%d,"setting":"outdoor",' ..
    '"surface":"synthetic_track","intervals":{"bouts":6,"backward_s":30,"recovery_s":60},' ..
    '"effort":3,"soreness":[],"notes":"load test","weather":null}',
    uuid4(), started_at, 600 + math.random(600), 1000 + math.random(2000))
  return wrk.format("POST", "/api/v1/runs", post_headers, body)
end

function response(status, headers, body)
  if status == 201 then
    status_201 = status_201 + 1
  elseif status ~= 200 then
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {advice = 0, venues = 0, post = 0, post_201 = 0, other = 0}
  for _, thread in ipairs(threads) do
    totals.advice = totals.advice + thread:get("advice_n")
    totals.venues = totals.venues + thread:get("venues_n")
    totals.post = totals.post + thread:get("post_n")
    totals.post_201 = totals.post_201 + thread:get("status_201")
    totals.other = totals.other + thread:get("other")
  end
  io.write(string.format("mix: advice=%d venues=%d post=%d post_201=%d other=%d\n",
    totals.advice, totals.venues, totals.post, totals.post_201, totals.other))
end
