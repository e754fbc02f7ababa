--[[
  Takes one of a function's concurrency slots unless all are held. A slot is a zset member scored
  by when it lapses, so a process that dies holding slots frees them once they lapse.
  Time comes from the Redis server, one clock for every process.
  KEYS[1] the function's slot zset (token -> lapse ms)
  ARGV[1] limit  ARGV[2] token  ARGV[3] lease ms
  Returns: 1 taken | 0 all held
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
local lapse = now + tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], lapse, ARGV[2])
-- The zset goes away by itself once its last slot lapses (a deleted function leaves nothing).
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
