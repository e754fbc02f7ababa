--[[
  Removes a function unless a mapping still points at it, and with it the function's
  event-invoke-configs, as Lambda deletes a function's asynchronous settings with the function.
  KEYS[1] function record  KEYS[2] function order zset  KEYS[3] the function's by-function mapping set
  KEYS[4] the function's event-invoke-config hash (qualifier -> JSON)
  ARGV[1] name
  Returns: 0 removed | 1 missing | 2 in use by a mapping
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
if redis.call('SCARD', KEYS[3]) > 0 then return 2 end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
