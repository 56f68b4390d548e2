-- GET over the 10,000 keys bench/proxies.sh wrote, each thread walking them in turn.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/kv/bench-" .. (counter % 10000))
end
