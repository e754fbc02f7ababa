--[[
  Releases a lock only if the caller still holds it (its token), so a lock that expired and was
  taken by another holder is never released by the old one.
  KEYS[1] lock key  ARGV[1] token
  Returns: 1 released | 0 not held
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
