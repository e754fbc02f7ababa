--[[
  Records the batch layout (window size and ParallelizationFactor) the lease holder reads the shard
  under, fenced like a checkpoint: only the holder (owner AND token) may write it. A later owner
  starts under this layout, so it cuts the same batches (the same deterministic job ids) from the
  checkpoint and awaits the jobs still in flight instead of enqueuing other ones (issue #3).
  KEYS[1] lease hash
  ARGV[1] owner  ARGV[2] token  ARGV[3] layout as JSON {tumblingWindowInSeconds, parallelizationFactor}
  Returns: 0 written | 1 lease lost (not held, or gone)
]]
-- A missing lease reads as no owner: lost.
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 1 end
redis.call('HSET', KEYS[1], 'layout', ARGV[3])
return 0
