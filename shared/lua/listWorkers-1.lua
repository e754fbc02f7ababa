--[[
  Lists the poller processes whose registration has not run out on Redis's clock (TIME).
  KEYS[1] workers zset (member worker id, score expiry in epoch ms)
  Returns: the live worker ids
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
