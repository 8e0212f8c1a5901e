-- Records whether a channel's source is down; on a change (of state, or of reason while down) numbers the
-- new status and publishes it to the nodes that listen. Statuses take no seq.
-- KEYS[1] meta hash, KEYS[2] stream
-- ARGV[1] an epoch to use if the channel has none   ARGV[2] '1' stale, '0' not
-- ARGV[3] the reason ('' for none)                  ARGV[4] the encoded status frame
-- ARGV[5] the pub/sub channel                       ARGV[6] PUBLISH or SPUBLISH
-- ARGV[7] now (ms)                                  ARGV[8] how long the meta hash outlives its last use (ms)
-- ARGV[9] the feed writer's fencing token, '0' for other writers (see publish.lua)
-- Returns 1 when the status changed, else 0; an error 'FENCED' as publish.lua.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
if ARGV[9] ~= '0' then
  local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
  if tonumber(ARGV[9]) < fence then
    return redis.error_reply('FENCED a newer leader of the feed wrote with token ' .. fence)
  end
  redis.call('HSET', KEYS[1], 'fence', ARGV[9])
end
redis.call('HSET', KEYS[1], 'active', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
local current = redis.call('HMGET', KEYS[1], 'stale', 'reason')
local stale = ARGV[2] == '1'
if stale == (current[1] == '1') and (not stale or (current[2] or '') == ARGV[3]) then
  return 0
end
local version = redis.call('HINCRBY', KEYS[1], 'sver', 1)
redis.call('HSET', KEYS[1], 'stale', ARGV[2], 'reason', ARGV[3], 'sframe', ARGV[4])
redis.call(ARGV[6], ARGV[5], 's' .. version .. '|' .. epoch .. '|' .. ARGV[2] .. '|' .. ARGV[4])
return 1
