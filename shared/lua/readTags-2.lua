--[[
  A resource's tags (see writeTags-2.lua for where they live), or that it does not exist.
  ARGV[1] 'mapping' | 'function'  ARGV[2] function name (function mode)
  Returns: {0, JSON object} | {1} no such resource
]]
if ARGV[1] == 'mapping' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
  local raw = redis.call('HGET', KEYS[2], 'tags')
  if raw then return {0, raw} end
  local data = cjson.decode(redis.call('HGET', KEYS[1], 'data'))
  if type(data.tags) == 'table' and next(data.tags) ~= nil then return {0, cjson.encode(data.tags)} end
  return {0, '{}'}
end
local generation = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not generation then return {1} end
if redis.call('HGET', KEYS[2], 'generation') ~= generation then return {0, '{}'} end
return {0, redis.call('HGET', KEYS[2], 'tags') or '{}'}
