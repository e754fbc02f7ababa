--[[
  Removes a function unless a mapping still points at it.
  KEYS[1] function record  KEYS[2] function order zset  KEYS[3] the function's by-function mapping set
  ARGV[1] name
  Returns: 0 removed | 1 missing | 2 in use by a mapping
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
if redis.call('SCARD', KEYS[3]) > 0 then return 2 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
