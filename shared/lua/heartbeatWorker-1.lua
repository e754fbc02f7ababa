--[[
  Registers a live poller process, or extends its registration, until ttl from now on Redis's
  clock (TIME), and drops the registrations that ran out (processes that died).
  KEYS[1] workers zset (member worker id, score expiry in epoch ms)
  ARGV[1] worker id  ARGV[2] ttl ms
  Returns: Redis's time in epoch ms
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now
