--[[
  Creates the leases of one scope (mapping + stream identity) that do not exist yet: unowned,
  counter 0, no checkpoint. Existing leases are left exactly as they are (owner, checkpoint).
  KEYS[1] scope set (shard ids of the scope)
  KEYS[2] mapping index (every key of the mapping's leases, so deleteMappingLeases finds them all)
  KEYS[3] scope expiries zset (member lease token, score expiry): named in the index only
  KEYS[4..] the lease hashes, one per shard: declared like every key the script touches, as Redis
          Cluster routes and checks a script by its KEYS
          (https://redis.io/docs/latest/develop/programmability/eval-intro/#script-parameterization)
  ARGV    pairs, in the order of KEYS[4..]: shard id, parent shard ids as a JSON array
  Returns: the number of leases created
]]
local created = 0
redis.call('SADD', KEYS[2], KEYS[1], KEYS[3])
for i = 4, #KEYS do
  local key = KEYS[i]
  local shardId = ARGV[(i - 4) * 2 + 1]
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'shardId', shardId, 'parents', ARGV[(i - 4) * 2 + 2], 'counter', 0)
    created = created + 1
  end
  redis.call('SADD', KEYS[1], shardId)
  redis.call('SADD', KEYS[2], key)
end
return created
