-- etcd's v3 JSON gateway over the same 10,000-key space: `-- put` writes 100-byte values (POST /v3/kv/put),
-- `-- range` reads linearizably, `-- serializable` reads from the member's own copy (POST /v3/kv/range).
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(text)
  return ((text:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#text % 3 + 1])
end

local keys = {}
local value = base64(string.rep("x", 100))
local mode = "range"
local counter = 0

function init(args)
  mode = args[1] or "range"
  for i = 0, 9999 do keys[i] = base64("bench-" .. i) end
end

request = function()
  counter = counter + 1
  local key = keys[counter % 10000]
  local headers = { ["Content-Type"] = "application/json" }
  if mode == "put" then
    return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. key .. '","value":"' .. value .. '"}')
  elseif mode == "serializable" then
    return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. key .. '","serializable":true}')
  end
  return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. key .. '"}')
end
