--[[
  Replaces a mapping's record if nobody wrote it since it was read (optimistic lock).
  KEYS[1] mapping record (hash: data, version, seq)
  KEYS[2] settle zset (uuid -> due epoch ms)
  ARGV[1] uuid  ARGV[2] expected version  ARGV[3] new JSON (its version is expected + 1)
  ARGV[4] settle due ms, or -1 for none  ARGV[5] change channel
  Returns: 0 replaced | 1 missing | 2 stale version
]]
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return 1 end
if version ~= ARGV[2] then return 2 end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'version', tonumber(version) + 1)
if ARGV[4] == '-1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
redis.call('PUBLISH', ARGV[5], ARGV[1])
return 0
