-- Path 8's requests: a result of a random unit and target, posted to one of the pacts.
-- BENCH_PACTS: JSON list of {id, year, members}; BENCH_TOKEN: the API key (none for the bare app).
local pacts = {}
for id, year, members in string.gmatch(os.getenv("BENCH_PACTS"), '"id": "([^"]+)", "year": (%d+), "members": %[([^%]]*)%]') do
  local list = {}
  for m in string.gmatch(members, '"([^"]+)"') do list[#list + 1] = m end
  pacts[#pacts + 1] = {id = id, year = year, members = list}
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init(args) math.randomseed(seed or os.time()) end

request = function()
  local p = pacts[math.random(#pacts)]
  local unit = p.members[math.random(#p.members)]
  local body = string.format(
    '{"unit_id":"%s","target_code":"T%02d","value":%d,"reported_on":"%s-12-%02d","source":"báo cáo năm"}',
    unit, math.random(10), math.random(50, 150), p.year, math.random(28))
  return wrk.format(nil, "/api/v1/pacts/" .. p.id .. "/results", nil, body)
end
