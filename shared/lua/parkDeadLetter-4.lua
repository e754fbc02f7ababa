--[[
  Parks a dead letter unless its id is parked already (a retried park after a crash).
  KEYS[1] entry hash  KEYS[2] all-entries zset  KEYS[3] mapping's zset  KEYS[4] function's zset
  ARGV[1] id  ARGV[2] summary JSON  ARGV[3] payload JSON ('' when omitted)
  The zsets all score 0: ids are UUIDv7, so their lexical order is creation order.
  Returns: 0 parked | 1 exists
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
redis.call('HSET', KEYS[1], 'summary', ARGV[2], 'payload', ARGV[3], 'replays', 0)
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[1])
return 0
