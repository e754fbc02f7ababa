--[[
  Removes a mapping and every index entry of it, if nobody wrote it since it was read.
  KEYS[1] mapping record  KEYS[2] binding key  KEYS[3] order zset  KEYS[4] by-source set
  KEYS[5] by-function set  KEYS[6] settle zset
  ARGV[1] uuid  ARGV[2] expected version  ARGV[3] change channel
  Returns: 0 removed | 1 missing | 2 stale version
]]
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return 1 end
if version ~= ARGV[2] then return 2 end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 0
