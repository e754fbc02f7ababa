--[[
  Creates an event-source mapping, refusing a second binding of one source to one function.
  KEYS[1] mapping record (hash: data, version, seq, tags)
  KEYS[2] binding key "<source arn>|<function arn>" -> uuid
  KEYS[3] order zset (seq -> uuid)
  KEYS[4] by-source set
  KEYS[5] by-function set
  KEYS[6] function record (must exist)
  KEYS[7] settle zset (uuid -> due epoch ms)
  KEYS[8] seq counter (declared like every key the script touches: Redis Cluster routes and checks
          a script by its KEYS, https://redis.io/docs/latest/develop/programmability/eval-intro/#script-parameterization)
  ARGV[1] uuid  ARGV[2] mapping JSON  ARGV[3] settle due ms  ARGV[4] change channel
  ARGV[5] the Create request's Tags as a JSON object (writeTags-2.lua keeps them)
  Returns: {0, seq} created | {1, existing uuid} duplicate binding | {2} function missing
]]
if redis.call('EXISTS', KEYS[6]) == 0 then return {2} end
local existing = redis.call('GET', KEYS[2])
if existing then return {1, existing} end
local seq = redis.call('INCR', KEYS[8])
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', 1, 'seq', seq, 'tags', ARGV[5])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[3], ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[1])
return {0, seq}
