--[[
  Creates or replaces one qualifier's event-invoke-config, only while its function is registered,
  so a config written as the function is deleted never outlives it (removeFunction-5 deletes the hash).
  KEYS[1] function record  KEYS[2] the function's event-invoke-config hash (qualifier -> JSON)
  ARGV[1] qualifier  ARGV[2] config JSON
  Returns: 0 written | 1 no such function
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 0
