--[[
  Creates an S3 binding if its function exists, its id is free and its bucket's bindings did not
  change since they were read (the caller checked them for overlap at that version). The function
  is checked here, not only by the API before: a function deleted in between must not be left with
  a binding pointing at it (removeFunction-5.lua refuses while the function's binding set has members).
  KEYS[1] binding record  KEYS[2] order zset (seq -> id)  KEYS[3] seq counter
  KEYS[4] the bucket's binding set  KEYS[5] the bucket's version counter  KEYS[6] the topic's binding set
  KEYS[7] function record (must exist)  KEYS[8] the function's binding set
  ARGV[1] id  ARGV[2] binding JSON  ARGV[3] expected bucket version  ARGV[4] topic ARN ('' for none)
  Returns: 0 created | 1 id taken | 2 stale (the bucket's bindings changed) | 3 function missing
]]
if redis.call('EXISTS', KEYS[7]) == 0 then return 3 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
local version = tonumber(redis.call('GET', KEYS[5]) or '0')
if version ~= tonumber(ARGV[3]) then return 2 end
local seq = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('INCR', KEYS[5])
if ARGV[4] ~= '' then redis.call('SADD', KEYS[6], ARGV[1]) end
redis.call('SADD', KEYS[8], ARGV[1])
return 0
