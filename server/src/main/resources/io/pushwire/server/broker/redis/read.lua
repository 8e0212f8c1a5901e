-- Reads a channel as one consistent picture: epoch (made if it has none), head, the oldest seq history
-- holds, the entries after a position, the latest event and the status. Counts as use of the channel.
-- KEYS[1] meta hash, KEYS[2] stream
-- ARGV[1] an epoch to use if the channel has none   ARGV[2] now (ms)   ARGV[3] history TTL (ms)
-- ARGV[4] the position's epoch, '' for no position  ARGV[5] the position's seq
-- ARGV[6] how long the meta hash outlives its last use (ms)
-- Returns {epoch, head, firstHeld, latest|false, statusVersion, stale, statusFrame|false,
--          then kind, seq, frame for each entry}.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
redis.call('HSET', KEYS[1], 'active', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
local meta = redis.call('HMGET', KEYS[1], 'seq', 'latest', 'sver', 'stale', 'sframe')
local head = tonumber(meta[1] or '0')
local cutoff = tonumber(ARGV[2]) - tonumber(ARGV[3])
-- Entries past the TTL are at the front (oldest first): skip them in pages.
local firstHeld = head + 1
local start = '-'
repeat
  local page = redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', 64)
  local found = false
  for _, entry in ipairs(page) do
    local fields = entry[2]
    local t
    for i = 1, #fields, 2 do
      if fields[i] == 't' then t = tonumber(fields[i + 1]) end
    end
    if t >= cutoff then
      firstHeld = tonumber(string.match(entry[1], '^(%d+)'))
      found = true
      break
    end
  end
  if found or #page < 64 then break end
  start = '(' .. page[#page][1]
until false
local out = {epoch, head, firstHeld, meta[2] or false, tonumber(meta[3] or '0'), meta[4] == '1' and 1 or 0,
             meta[5] or false}
if ARGV[4] ~= '' and firstHeld <= head then
  local after = 0
  if ARGV[4] == epoch then after = tonumber(ARGV[5]) end
  local from = math.max(after + 1, firstHeld)
  if from <= head then
    for _, entry in ipairs(redis.call('XRANGE', KEYS[2], from .. '-0', '+')) do
      local fields = entry[2]
      local kind, frame
      for i = 1, #fields, 2 do
        if fields[i] == 'k' then kind = fields[i + 1] elseif fields[i] == 'f' then frame = fields[i + 1] end
      end
      out[#out + 1] = kind
      out[#out + 1] = tonumber(string.match(entry[1], '^(%d+)'))
      out[#out + 1] = frame
    end
  end
end
return out
