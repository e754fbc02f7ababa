--[[
  Removes a function unless a mapping or an S3 binding still points at it, and with it the
  function's event-invoke-configs, as Lambda deletes a function's asynchronous settings with the function.
  KEYS[1] function record  KEYS[2] function order zset  KEYS[3] the function's by-function mapping set
  KEYS[4] the function's event-invoke-config hash (qualifier -> JSON)  KEYS[5] the function's S3 binding set
  ARGV[1] name
  Returns: {0} removed | {1} missing
         | {2, mapping count, up to 5 mapping uuids, S3 binding count, up to 5 S3 binding ids} in use
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
local mappings = redis.call('SCARD', KEYS[3])
local bindings = redis.call('SCARD', KEYS[5])
if mappings > 0 or bindings > 0 then
  return {2, mappings, redis.call('SRANDMEMBER', KEYS[3], 5), bindings, redis.call('SRANDMEMBER', KEYS[5], 5)}
end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
return {0}
