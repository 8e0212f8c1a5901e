-- Extends a lease, or gives it up, if the caller still holds it (same node and token).
-- KEYS[1] the lease
-- ARGV[1] 'node|token' as acquire.lua wrote it   ARGV[2] the new time (ms), or '0' to release it
-- Returns 1 when the caller held it, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
