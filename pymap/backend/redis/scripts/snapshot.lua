-- The state of a mailbox in one round trip, relative to the MODSEQ the
-- caller already knows (doc/redis.md, "Snapshots").
-- KEYS: meta, flags, log
-- ARGV: the known MODSEQ and UIDVALIDITY, or -1 and -1
-- Returns what describe (_lib.lua) says.
return describe(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
