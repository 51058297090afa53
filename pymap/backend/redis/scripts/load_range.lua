-- Reads part of a message for a FETCH of body parts: the octets from start
-- to end (exclusive) of its CRLF form, the form whose length is the
-- RFC822.SIZE its record gives.
-- KEYS: msgs
-- ARGV: user base, UID, start, end
-- Returns the octets when the content is stored in CRLF form. Content with
-- bare LF line endings is shorter than its size: then a table holding its
-- first end octets, enough for the caller to make the CRLF form's octets
-- up to end from. nil when there is no such message, or its content is
-- longer than its size.
local record = redis.call('HGET', KEYS[1], ARGV[2])
if not record then
  return false
end
local content = ARGV[1] .. 'content:' .. digest_of(record)
local size = tonumber(string.match(record, ' (%d+) '))
local length = redis.call('STRLEN', content)
local first, last = tonumber(ARGV[3]), tonumber(ARGV[4]) - 1
if length > size then
  return false
elseif last < first then
  return ''
elseif length == size then
  return redis.call('GETRANGE', content, first, last)
end
return {redis.call('GETRANGE', content, 0, last)}
