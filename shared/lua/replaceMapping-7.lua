--[[
  Replaces a mapping's record if nobody wrote it since it was read (optimistic lock), moving its
  function binding and index entry when the update points it at another function.
  KEYS[1] mapping record (hash: data, version, seq)
  KEYS[2] settle zset (uuid -> due epoch ms)
  KEYS[3] old binding key  KEYS[4] new binding key
  KEYS[5] old by-function set  KEYS[6] new by-function set
  KEYS[7] new function record (must exist)
  ARGV[1] uuid  ARGV[2] expected version  ARGV[3] new JSON (its version is expected + 1)
  ARGV[4] settle due ms, or -1 for none  ARGV[5] change channel
  Returns: {0} replaced | {1} missing | {2} stale version | {3, uuid} new binding taken | {4} function missing
]]
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return {1} end
if version ~= ARGV[2] then return {2} end
if KEYS[3] ~= KEYS[4] then
  if redis.call('EXISTS', KEYS[7]) == 0 then return {4} end
  local taken = redis.call('GET', KEYS[4])
  if taken and taken ~= ARGV[1] then return {3, taken} end
  if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
  redis.call('SET', KEYS[4], ARGV[1])
  redis.call('SREM', KEYS[5], ARGV[1])
  redis.call('SADD', KEYS[6], ARGV[1])
end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'version', tonumber(version) + 1)
if ARGV[4] == '-1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
redis.call('PUBLISH', ARGV[5], ARGV[1])
return {0}
