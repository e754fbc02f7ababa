--[[
  Gives a lease to a new owner with a new token, if nobody wrote it since the taker read it: every
  take, renew and release bumps the counter, so the counter the taker read is KCL's conditional
  write on leaseCounter. The taker asks only for leases it read as unowned or expired (on this
  clock, TIME) or for the one lease it chose to steal; a renewal in between means the owner is
  alive, and the take fails.
  KEYS[1] lease hash (shardId, parents, owner, token, counter, expiresAt, checkpoint)
  ARGV[1] counter the taker read  ARGV[2] new owner  ARGV[3] new token  ARGV[4] ttl ms
  Returns: {0, lease fields as HGETALL} taken | {1} no such lease | {2} changed since it was read
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
if redis.call('HGET', KEYS[1], 'counter') ~= ARGV[1] then return {2} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('HINCRBY', KEYS[1], 'counter', 1)
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'token', ARGV[3], 'expiresAt', now + tonumber(ARGV[4]))
return {0, redis.call('HGETALL', KEYS[1])}
