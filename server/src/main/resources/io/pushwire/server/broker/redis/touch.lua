-- A node that listens to a channel says so, and learns where the channel's stream is: what its periodic
-- check compares with what it delivered, to catch publications pub/sub lost.
-- KEYS[1] meta hash
-- ARGV[1] now (ms)   ARGV[2] how long the meta hash outlives its last use (ms)
-- Returns {epoch, head, statusVersion}, or false when Redis holds nothing of the channel.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'sver')
if not meta[1] then
  return false
end
redis.call('HSET', KEYS[1], 'active', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {meta[1], tonumber(meta[2] or '0'), tonumber(meta[3] or '0')}
