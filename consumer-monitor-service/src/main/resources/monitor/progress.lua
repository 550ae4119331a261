-- Consumer monitor: record one lifecycle step of one Kafka record, and its counts, exactly once.
-- Runs atomically, so a step is either marked together with its counters or not at all: a crash
-- can never leave a count without its marker (counted twice on redelivery) or the reverse.
--
-- KEYS[1] record progress hash   KEYS[2] counters hash   KEYS[3] rate bucket   KEYS[4] recent log list
-- ARGV[1] step (hash field)      ARGV[2] progress TTL, seconds
-- ARGV[3] counter field to increment, or ''
-- ARGV[4] rate bucket TTL in seconds, or '' to leave the rate alone
-- ARGV[5] recent-log entry, or ''   ARGV[6] how many recent-log entries to keep
-- returns 1 when the step is new, 0 when it was already recorded (a redelivery)
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then
  return 0
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
end
if ARGV[4] ~= '' then
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[4]))
end
if ARGV[5] ~= '' then
  redis.call('LPUSH', KEYS[4], ARGV[5])
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[6]) - 1)
end
return 1
