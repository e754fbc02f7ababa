--[[
  Registers a function unless one of that name exists.
  KEYS[1] function record  KEYS[2] function order zset (name, scored by creation ms)
  ARGV[1] name  ARGV[2] JSON  ARGV[3] creation ms
  Returns: 0 created | 1 exists
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 0
