-- Removes all mailboxes and subscriptions of a user at once; the messages
-- go to the trash set for purge.lua (doc/redis.md, "Deletion").
-- KEYS: mailboxes, subscriptions, trash
-- ARGV: user base, route (see announce: every other process is told the
--       mailboxes are gone)
-- Returns the number of mailboxes to purge.
for _, id in ipairs(redis.call('HVALS', KEYS[1])) do
  if id ~= '' then
    local base = ARGV[1] .. 'mbx:' .. id .. ':'
    redis.call('DEL', base .. 'meta', base .. 'flags', base .. 'log')
    redis.call('SADD', KEYS[3], id)
    announce(ARGV[2], base, 'deleted')
  end
end
redis.call('DEL', KEYS[1], KEYS[2])
announce(ARGV[2], ARGV[1], 'names')
return redis.call('SCARD', KEYS[3])
