--[[
  Removes a dead letter and its index entries.
  KEYS[1] entry hash  KEYS[2] all-entries zset  KEYS[3] mapping's zset  KEYS[4] function's zset
  ARGV[1] id
  Returns: 0 removed | 1 missing
]]
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
if redis.call('DEL', KEYS[1]) == 1 then return 0 end
return 1
