--[[
  One renewal round of one poller process, in one script: its heartbeat in the workers zset, and
  every lease it holds extended by ttl from now (TIME). A lease's expiry is its holder's token in the
  scope's expiries zset, so one ZADD XX renews all of a scope's leases: XX only updates members that
  exist, and a token is removed when its lease is taken over or released, so a lease that is no
  longer this holder's is never renewed and reads as lost. Not conditional on expiry: a lease that
  expired but that nobody took is still ours, as in KCL. (The key count is the caller's: renewLeases-n.)
  With the renewal, the holder reports the throughput (records a second) of the leases whose rate
  changed, as KCL 3's lease renewer does, for balancing by load; written only while the token is
  still the holder's. Idle leases whose rate stays 0 cost nothing here.
  KEYS[1] workers zset (member worker id, score expiry)
  KEYS[2..S+1] one expiries zset per scope   KEYS[S+2..] the lease hashes of the throughput reports
  ARGV[1] worker id ('' for no heartbeat)  ARGV[2] ttl ms  ARGV[3] S, the number of scopes
  ARGV[4..] per scope, in KEYS order: the number of tokens, then the tokens;
  then per throughput report, in KEYS order: the lease's token, its records a second
  Returns: {Redis's time in epoch ms, the tokens that were not renewed}
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiresAt = now + tonumber(ARGV[2])
if ARGV[1] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('ZADD', KEYS[1], expiresAt, ARGV[1])
end
local scopes = tonumber(ARGV[3])
local lost = {}
local at = 4
for k = 2, scopes + 1 do
  local count = tonumber(ARGV[at])
  local tokens = {}
  local args = {}
  for i = 1, count do
    local token = ARGV[at + i]
    tokens[i] = token
    args[2 * i - 1] = expiresAt
    args[2 * i] = token
  end
  at = at + count + 1
  -- CH counts updated scores; a count short of the tokens (or a renewal in the same ms) is checked member by member.
  if count > 0 and redis.call('ZADD', KEYS[k], 'XX', 'CH', unpack(args)) < count then
    local scores = redis.call('ZMSCORE', KEYS[k], unpack(tokens))
    for i = 1, count do
      if not scores[i] then lost[#lost + 1] = tokens[i] end
    end
  end
end
for k = scopes + 2, #KEYS do
  if redis.call('HGET', KEYS[k], 'token') == ARGV[at] then redis.call('HSET', KEYS[k], 'throughput', ARGV[at + 1]) end
  at = at + 2
end
return {now, lost}
