-- Appends one entry to a channel's stream, atomically: the channel's epoch (made if it has none), the next
-- seq, the frame, history trimmed to its size, TTLs, and the publication to the nodes that listen.
-- KEYS[1] the channel's meta hash, KEYS[2] its stream (one hash tag: the same slot on a Redis Cluster),
-- KEYS[3] (optional) the publish's idempotency key, remembered as 'seq|epoch|time' for ARGV[13] ms
-- ARGV[1] the pub/sub channel          ARGV[2] an epoch to use if the channel has none
-- ARGV[3] now (ms, the entry's time)    ARGV[4] history size (MAXLEN)
-- ARGV[5] history TTL (ms)              ARGV[6] how long the meta hash outlives its last use (ms)
-- ARGV[7] 'e' event, 'g' upstream gap   ARGV[8..10] the frame around its seq and epoch (see FrameTemplate)
-- ARGV[11] PUBLISH or SPUBLISH          ARGV[12] the feed writer's fencing token, '0' for other writers
-- ARGV[13] the idempotency window (ms)
-- Returns {seq, epoch, 0, status version} (the version of the last status published before the entry);
-- {seq, epoch, 1} for a repeat of an idempotency key seen within the window in
-- this epoch (nothing published); or an error 'FENCED' when a newer leader of the feed (a higher token)
-- already wrote to the channel: the writer lost its lease.
if ARGV[12] ~= '0' then
  local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
  if tonumber(ARGV[12]) < fence then
    return redis.error_reply('FENCED a newer leader of the feed wrote with token ' .. fence)
  end
  redis.call('HSET', KEYS[1], 'fence', ARGV[12])
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[2]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
if #KEYS == 3 then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    local bar1 = string.find(seen, '|', 1, true)
    local bar2 = string.find(seen, '|', bar1 + 1, true)
    local at = tonumber(string.sub(seen, bar2 + 1))
    if string.sub(seen, bar1 + 1, bar2 - 1) == epoch and tonumber(ARGV[3]) - at <= tonumber(ARGV[13]) then
      return {tonumber(string.sub(seen, 1, bar1 - 1)), epoch, 1}
    end
  end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local frame
if ARGV[7] == 'e' then
  frame = ARGV[8] .. seq .. ARGV[9] .. epoch .. ARGV[10]
  redis.call('HSET', KEYS[1], 'latest', frame, 'active', ARGV[3])
else
  frame = ARGV[8] .. seq .. ARGV[9] .. seq .. ARGV[10]
  redis.call('HSET', KEYS[1], 'active', ARGV[3])
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], seq .. '-0', 't', ARGV[3], 'k', ARGV[7], 'f', frame)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call(ARGV[11], ARGV[1], ARGV[7] .. seq .. '|' .. epoch .. '|' .. frame)
if #KEYS == 3 then
  redis.call('SET', KEYS[3], seq .. '|' .. epoch .. '|' .. ARGV[3], 'PX', ARGV[13])
end
return {seq, epoch, 0, tonumber(redis.call('HGET', KEYS[1], 'sver') or '0')}
