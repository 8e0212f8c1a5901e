-- Writes a session's record, unless a later attachment of the session took it since.
-- KEYS[1] the session's hash: 'a' attachment, 'r' the record (JSON), 'h' the holding node ('' detached),
--         'd' when it detached (ms, -1 attached), 'c' '1' from a claim until the new holder's first write
-- ARGV[1] the writer's attachment   ARGV[2] the record   ARGV[3] how long to keep it (ms; '0' it expired: delete)
-- ARGV[4] the holding node, '' when detached   ARGV[5] when it detached
-- ARGV[6] '1' for the hand-over write of the node letting go: only for the attachment that took the
--         session, and only before its new holder wrote (the holder field stays the new holder's)
-- Returns 1 when written (or deleted), 0 when refused.
local stored = tonumber(redis.call('HGET', KEYS[1], 'a') or '-1')
if ARGV[6] == '1' then
  if tonumber(ARGV[1]) ~= stored or redis.call('HGET', KEYS[1], 'c') ~= '1' then
    return 0
  end
  redis.call('HSET', KEYS[1], 'r', ARGV[2])
  return 1
end
if tonumber(ARGV[1]) < stored then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'a', ARGV[1], 'r', ARGV[2], 'h', ARGV[4], 'd', ARGV[5], 'c', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
