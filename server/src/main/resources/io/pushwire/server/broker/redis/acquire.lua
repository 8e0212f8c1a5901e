-- Takes a feed's lease if nobody holds it, with a fencing token newer than any handed out before.
-- KEYS[1] the lease, KEYS[2] the counter of fencing tokens
-- ARGV[1] the node taking it   ARGV[2] its time (ms)
-- Returns the token, or false when another node holds the lease.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
