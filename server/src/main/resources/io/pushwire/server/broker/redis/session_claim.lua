-- Takes a session for its next attachment, held by the calling node: writes of earlier attachments are
-- refused from then on (session_save.lua).
-- KEYS[1] the session's hash   ARGV[1] the calling node   ARGV[2] how long to keep it (ms): attached now
-- Returns {attachment before, holder before ('' detached), record, detached at before} or false when there is
-- no such session. The session is attached from now on ('d' -1), so that it does not expire while resumed.
local record = redis.call('HGET', KEYS[1], 'r')
if not record then
  return false
end
local before = tonumber(redis.call('HGET', KEYS[1], 'a') or '0')
local holder = redis.call('HGET', KEYS[1], 'h') or ''
local detached = redis.call('HGET', KEYS[1], 'd') or '-1'
redis.call('HSET', KEYS[1], 'a', before + 1, 'h', ARGV[1], 'd', '-1', 'c', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {before, holder, record, detached}
