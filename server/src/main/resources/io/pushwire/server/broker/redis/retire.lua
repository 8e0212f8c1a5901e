-- Drops a channel when nothing would be lost with it: its history holds nothing younger than the TTL and
-- nobody used it for the idle time (nodes that subscribe touch it more often than that).
-- KEYS[1] meta hash, KEYS[2] stream
-- ARGV[1] now (ms)   ARGV[2] idle time (ms)   ARGV[3] history TTL (ms)
-- Returns 1 when Redis holds nothing of the channel now, else 0.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 1
end
local now = tonumber(ARGV[1])
local active = tonumber(redis.call('HGET', KEYS[1], 'active') or '0')
if now - active < tonumber(ARGV[2]) then
  return 0
end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last > 0 then
  local fields = last[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 't' and tonumber(fields[i + 1]) >= now - tonumber(ARGV[3]) then
      return 0
    end
  end
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
