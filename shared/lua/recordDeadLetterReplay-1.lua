--[[
  Counts a failed replay of a dead letter that still exists.
  KEYS[1] entry hash
  ARGV[1] last replay JSON ({"at","error"})
  Returns: the replay count | -1 missing
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'lastReplay', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'replays', 1)
