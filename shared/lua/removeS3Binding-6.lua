--[[
  Removes an S3 binding and its index entries.
  KEYS[1] binding record  KEYS[2] order zset  KEYS[3] the bucket's binding set
  KEYS[4] the bucket's version counter  KEYS[5] the topic's binding set  KEYS[6] the function's binding set
  ARGV[1] id  ARGV[2] topic ARN ('' for none)
  Returns: 0 removed | 1 missing
]]
if redis.call('DEL', KEYS[1]) == 0 then return 1 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('INCR', KEYS[4])
if ARGV[2] ~= '' then redis.call('SREM', KEYS[5], ARGV[1]) end
redis.call('SREM', KEYS[6], ARGV[1])
return 0
