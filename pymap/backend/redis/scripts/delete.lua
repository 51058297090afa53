-- Deletes a mailbox (RFC 3501 6.3.4). One with inferiors stays as a
-- \Noselect name (id ''). Its state goes at once; its messages are moved
-- to the trash set, which purge.lua empties in bounded steps.
-- KEYS: mailboxes, trash
-- ARGV: user base, name, route (see announce)
-- Returns the mailbox's id ('' for a \Noselect name), or nil when there
-- is no such mailbox. Every other process is told that the name moved and
-- that the mailbox is gone.
local id = redis.call('HGET', KEYS[1], ARGV[2])
if not id then
  return false
end
local prefix = ARGV[2] .. '/'
local children = false
for _, other in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(other, 1, #prefix) == prefix then
    children = true
    break
  end
end
if children then
  redis.call('HSET', KEYS[1], ARGV[2], '')
else
  redis.call('HDEL', KEYS[1], ARGV[2])
end
announce(ARGV[3], ARGV[1], 'names')
if id ~= '' then
  local base = ARGV[1] .. 'mbx:' .. id .. ':'
  redis.call('DEL', base .. 'meta', base .. 'flags', base .. 'log')
  redis.call('SADD', KEYS[2], id)
  announce(ARGV[3], base, 'deleted')
end
return id
