--[[
  Writes a checkpoint if the caller still holds the lease (owner AND token: a process that lost
  the lease cannot write) and the checkpoint does not move backwards.
  Sequence numbers are decimal strings of up to ~56 digits, beyond what Lua's doubles hold exactly,
  so they are compared as digit strings: leading zeros ignored, then by length, then digit by
  digit (byte compares: Lua's `<` on strings follows the locale). SHARD_END is after every number
  and final. The same checkpoint again counts as written, so a retried write is harmless.
  KEYS[1] lease hash
  ARGV[1] owner  ARGV[2] token  ARGV[3] sequence number (decimal digits) or SHARD_END
  Returns: 0 written | 1 lease lost (not held, or gone) | 2 not forward | 3 not a sequence number
]]
local SHARD_END = 'SHARD_END'
local proposed = ARGV[3]
if proposed ~= SHARD_END and not string.match(proposed, '^%d+$') then return 3 end
-- A missing lease reads as no owner: lost (one command fewer than EXISTS first).
local held = redis.call('HMGET', KEYS[1], 'owner', 'token', 'checkpoint')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 1 end

local function digits(s)
  local trimmed = string.gsub(s, '^0+', '')
  if trimmed == '' then return '0' end
  return trimmed
end

-- -1, 0 or 1 as a is before, equal to or after b.
local function compare(a, b)
  if a == b then return 0 end
  if a == SHARD_END then return 1 end
  if b == SHARD_END then return -1 end
  a, b = digits(a), digits(b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y and -1 or 1 end
  end
  return 0
end

local current = held[3]
if current then
  local order = compare(proposed, current)
  if order < 0 then return 2 end
  if order == 0 then return 0 end
end
redis.call('HSET', KEYS[1], 'checkpoint', proposed)
return 0
