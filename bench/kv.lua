-- AspireKv's API over a 10,000-key space (bench-0 ... bench-9999): `-- get` reads (keys written beforehand by
-- `bench populate`), `-- put` writes 100-byte values. Each thread walks the keys in turn.
local counter = 0
local method = "GET"
local body = nil

function init(args)
  if args[1] == "put" then
    method = "PUT"
    body = string.rep("x", 100)
  end
end

request = function()
  counter = counter + 1
  return wrk.format(method, "/kv/bench-" .. (counter % 10000), nil, body)
end
