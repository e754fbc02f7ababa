--[[
  Tags or untags a resource, atomically with the check that it exists and the per-resource limit.
  Tags are a JSON object in the field 'tags' of a hash:
  - a mapping's: its record hash (KEYS[1] = KEYS[2]); a record created before the field existed
    keeps its Create tags in its 'data' JSON, read from there until the first write;
  - a function's: a hash of its own (KEYS[2]) stamped with the function's creation score in its
    order zset (KEYS[1]), so tags of a deleted function never reach a new one of the same name.
  ARGV[1] 'mapping' | 'function'  ARGV[2] function name (function mode)  ARGV[3] 'tag' | 'untag'
  ARGV[4] tag limit  ARGV[5] JSON: the tags to set (tag) or the keys to remove (untag)
  Returns: {0} written | {1} no such resource | {2, count} the limit would be passed
]]
local current = {}
local generation = nil
if ARGV[1] == 'mapping' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
  local raw = redis.call('HGET', KEYS[2], 'tags')
  if raw then
    current = cjson.decode(raw)
  else
    local data = cjson.decode(redis.call('HGET', KEYS[1], 'data'))
    if type(data.tags) == 'table' then current = data.tags end
  end
else
  generation = redis.call('ZSCORE', KEYS[1], ARGV[2])
  if not generation then return {1} end
  if redis.call('HGET', KEYS[2], 'generation') == generation then
    current = cjson.decode(redis.call('HGET', KEYS[2], 'tags') or '{}')
  end
end
local change = cjson.decode(ARGV[5])
if ARGV[3] == 'tag' then
  for key, value in pairs(change) do current[key] = value end
else
  for _, key in ipairs(change) do current[key] = nil end
end
local count = 0
for _ in pairs(current) do count = count + 1 end
if ARGV[3] == 'tag' and count > tonumber(ARGV[4]) then return {2, count} end
local encoded = count == 0 and '{}' or cjson.encode(current)
if generation then
  redis.call('HSET', KEYS[2], 'tags', encoded, 'generation', generation)
else
  redis.call('HSET', KEYS[2], 'tags', encoded)
end
return {0}
