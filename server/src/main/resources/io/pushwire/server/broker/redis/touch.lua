-- A node that listens to a channel says so, and learns where the channel's stream is: what its periodic
-- check compares with what it delivered, to catch publications pub/sub lost.
-- KEYS[1] meta hash
-- ARGV[1] now (ms)   ARGV[2] how long the meta hash outlives its last use (ms)
-- ARGV[3] '1' to count this as use of the channel (keeping it from retirement and expiry), '0' to only read
-- Returns {epoch, head, statusVersion}, or false when Redis holds nothing of the channel.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'sver')
if not meta[1] then
  return false
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'active', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {meta[1], tonumber(meta[2] or '0'), tonumber(meta[3] or '0')}
