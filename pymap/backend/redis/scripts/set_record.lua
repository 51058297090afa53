-- Writes a login record if it is still as the caller read it (optimistic
-- concurrency for the admin service's user store).
-- KEYS: the record's key
-- ARGV: hash field ('' for a string key), expectation (absent / equal /
--       any), expected value, new value
-- Returns 1 when written, 0 when the record changed meanwhile.
local current
if ARGV[1] == '' then
  current = redis.call('GET', KEYS[1])
else
  current = redis.call('HGET', KEYS[1], ARGV[1])
end
if (ARGV[2] == 'absent' and current)
    or (ARGV[2] == 'equal' and current ~= ARGV[3]) then
  return 0
end
if ARGV[1] == '' then
  redis.call('SET', KEYS[1], ARGV[4])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
end
return 1
