--[[
  Deletes every lease, checkpoint and scope set of one mapping, under every stream identity.
  KEYS[1] mapping index (set of the keys ensureLeases wrote for the mapping)
  Returns: the number of keys deleted, the index included
]]
local keys = redis.call('SMEMBERS', KEYS[1])
local deleted = 0
for _, key in ipairs(keys) do
  deleted = deleted + redis.call('DEL', key)
end
return deleted + redis.call('DEL', KEYS[1])
