--[[
  Hands a held lease back at once (graceful stop) so another process can take it without waiting
  for expiry. The checkpoint stays; the counter is bumped so a take prepared before fails cleanly.
  KEYS[1] lease hash  KEYS[2] scope expiries zset
  ARGV[1] owner  ARGV[2] token
  Returns: 0 released | 1 no such lease | 2 not held by this owner and token (nothing changed)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
local held = redis.call('HMGET', KEYS[1], 'owner', 'token', 'counter')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 2 end
redis.call('HDEL', KEYS[1], 'owner', 'token')
redis.call('HSET', KEYS[1], 'counter', tonumber(held[3]) + 1)
redis.call('ZREM', KEYS[2], ARGV[2])
return 0
