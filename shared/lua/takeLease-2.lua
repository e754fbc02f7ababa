--[[
  Gives a lease to a new owner with a new token, if nothing changed since the taker read it: every
  take and release bumps the counter, and every renewal moves the holder's expiry in the scope's
  expiries zset, so the counter and the expiry the taker read are KCL's conditional write on
  leaseCounter. The taker asks only for leases it read as unowned or expired (on this clock, TIME)
  or for the one lease it chose to steal; a renewal in between means the owner is alive, and the
  take fails.
  KEYS[1] lease hash (shardId, parents, owner, token, counter, checkpoint, layout)
  KEYS[2] scope expiries zset (member the holder's token, score its expiry in epoch ms)
  ARGV[1] counter the taker read  ARGV[2] expiry the taker read (0: none)  ARGV[3] new owner
  ARGV[4] new token  ARGV[5] ttl ms
  Returns: {0, lease fields as HGETALL, expiry} taken | {1} no such lease | {2} changed since it was read
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
local held = redis.call('HMGET', KEYS[1], 'counter', 'token')
if held[1] ~= ARGV[1] then return {2} end
local expiry = 0
if held[2] then expiry = tonumber(redis.call('ZSCORE', KEYS[2], held[2]) or '0') end
if expiry ~= tonumber(ARGV[2]) then return {2} end
local time = redis.call('TIME')
local expiresAt = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[5])
if held[2] then redis.call('ZREM', KEYS[2], held[2]) end
redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'token', ARGV[4], 'counter', tonumber(held[1]) + 1)
redis.call('ZADD', KEYS[2], expiresAt, ARGV[4])
return {0, redis.call('HGETALL', KEYS[1]), expiresAt}
