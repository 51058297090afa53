-- Raises the \Recent mark of a mailbox (RFC 3501 2.3.2): the caller gets
-- \Recent for the UIDs above the returned old mark, nobody else does.
-- KEYS: meta
-- ARGV: the new mark, route (see announce), namespace
-- Returns the old mark, or nil when the mailbox no longer exists. A rise
-- is announced: other processes' cached snapshots hold the old mark.
local old = redis.call('HGET', KEYS[1], 'recent')
if not old then
  return false
end
if tonumber(ARGV[1]) > tonumber(old) then
  redis.call('HSET', KEYS[1], 'recent', ARGV[1])
  announce(ARGV[2], ARGV[3], 'recent:' .. ARGV[1])
end
return tonumber(old)
