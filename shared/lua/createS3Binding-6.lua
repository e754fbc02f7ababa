--[[
  Creates an S3 binding if its id is free and its bucket's bindings did not change since they were
  read (the caller checked them for overlap at that version).
  KEYS[1] binding record  KEYS[2] order zset (seq -> id)  KEYS[3] seq counter
  KEYS[4] the bucket's binding set  KEYS[5] the bucket's version counter  KEYS[6] the topic's binding set
  ARGV[1] id  ARGV[2] binding JSON  ARGV[3] expected bucket version  ARGV[4] topic ARN ('' for none)
  Returns: 0 created | 1 id taken | 2 stale (the bucket's bindings changed)
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
local version = tonumber(redis.call('GET', KEYS[5]) or '0')
if version ~= tonumber(ARGV[3]) then return 2 end
local seq = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('INCR', KEYS[5])
if ARGV[4] ~= '' then redis.call('SADD', KEYS[6], ARGV[1]) end
return 0
