-- Renames a mailbox and its inferiors (RFC 3501 6.3.5). Mailbox ids do
-- not change, so only the names move; sessions keep their mailbox.
-- KEYS: mailboxes
-- ARGV: source, destination, user base, route (see announce)
-- Returns 1, 0 when the source is missing, -1 when the destination exists.
-- Every other process is told that the user's names moved.
if not redis.call('HGET', KEYS[1], ARGV[1]) then
  return 0
end
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
  return -1
end
local prefix = ARGV[1] .. '/'
local moves = {}
for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
  if name == ARGV[1] or string.sub(name, 1, #prefix) == prefix then
    moves[#moves + 1] = name
  end
end
for _, name in ipairs(moves) do
  local id = redis.call('HGET', KEYS[1], name)
  redis.call('HDEL', KEYS[1], name)
  redis.call('HSET', KEYS[1], ARGV[2] .. string.sub(name, #ARGV[1] + 1), id)
end
announce(ARGV[4], ARGV[3], 'names')
return 1
