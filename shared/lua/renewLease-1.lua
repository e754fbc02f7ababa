--[[
  Extends a held lease by ttl from now (TIME). Conditional on owner AND token, not on expiry: a
  lease that expired but that nobody took is still ours, as in KCL. The token is set by each take
  and never by a renewal, so it tells this holder from an earlier holder with the same owner id.
  KEYS[1] lease hash
  ARGV[1] owner  ARGV[2] token  ARGV[3] ttl ms
  Returns: {0, lease fields as HGETALL} renewed | {1} no such lease | {2} lost (another owner or token)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return {2} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('HINCRBY', KEYS[1], 'counter', 1)
redis.call('HSET', KEYS[1], 'expiresAt', now + tonumber(ARGV[3]))
return {0, redis.call('HGETALL', KEYS[1])}
