--[[
  Records a mapping's LastProcessingResult beside its record, without touching its version:
  the pollers report as data flows, and must never make a user's concurrent update stale.
  KEYS[1] mapping record (hash: data, version, seq, lastProcessingResult)
  ARGV[1] result text
  Returns: 1 written | 0 no such mapping
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastProcessingResult', ARGV[1])
return 1
