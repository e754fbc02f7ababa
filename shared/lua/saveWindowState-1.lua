--[[
  Writes a tumbling window's state if nobody wrote it since the caller read it (its version is
  still the one read), so a worker that lost its job, or a duplicate, cannot overwrite a newer state.
  mode 'save': stores the state the function returned; `through` (when given) is the last record
    folded into it; overCap is set when the state is larger than the cap (the window then ends early).
  mode 'close': after a final invocation: the state becomes a fresh {} (the same window may go on
    after an early end), overCap is cleared and finalizedThrough is remembered.
  KEYS[1] window state hash
  ARGV[1] 'save' | 'close'   ARGV[2] expected version (0: never written)
  ARGV[3] save: state JSON | close: finalizedThrough   ARGV[4] save: through or ''
  ARGV[5] save: cap in bytes   ARGV[6] time to live in ms (the state outlives retries of its window)
  Returns: 0 written | 1 conflict (the version moved on)
]]
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[2]) then return 1 end
if ARGV[1] == 'save' then
  local over = (#ARGV[3] > tonumber(ARGV[5])) and '1' or '0'
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'overCap', over, 'version', version + 1)
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'through', ARGV[4]) end
else
  redis.call('HSET', KEYS[1], 'state', '{}', 'overCap', '0', 'finalizedThrough', ARGV[3], 'version', version + 1)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
return 0
