-- Consumer monitor: record a batch of ONE partition's records, in offset order, and count each
-- record exactly once. A partition is recorded in offset order, so one number per partition (the
-- mark: the highest offset recorded) says which records are done; a redelivered record is at or
-- below it and counts nothing. Runs atomically: the counts and the mark move together or not at all.
--
-- KEYS[1] marks hash   KEYS[2] counters hash   KEYS[3] rate bucket   KEYS[4] recent log list
-- ARGV[1] mark field (<topic>:<partition>)   ARGV[2] rate bucket TTL, seconds
-- ARGV[3] how many recent-log entries to keep   ARGV[4] L, the number of recent-log entries given
-- ARGV[5 .. 4+2L] pairs: offset, log entry (JSON) -- the batch's last records, oldest first
-- then pairs: offset, outcome ('p' processed, 'f' failed) -- every record of the batch, oldest first
-- returns { total, processed, failed, mark }: what this call counted and the partition's mark after it
local mark = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local logs = tonumber(ARGV[4])
local total, processed, failed, last = 0, 0, 0, mark
for i = 5 + 2 * logs, #ARGV, 2 do
  local offset = tonumber(ARGV[i])
  if offset > mark then
    total = total + 1
    if ARGV[i + 1] == 'p' then processed = processed + 1 else failed = failed + 1 end
    if offset > last then last = offset end
  end
end
if total == 0 then
  return { 0, 0, 0, string.format('%d', mark) }
end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', last))
redis.call('HINCRBY', KEYS[2], 'totalMessages', total)
if processed > 0 then redis.call('HINCRBY', KEYS[2], 'processedMessages', processed) end
if failed > 0 then redis.call('HINCRBY', KEYS[2], 'failedMessages', failed) end
redis.call('INCRBY', KEYS[3], total)
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[2]))
local pushed = 0
for i = 5, 4 + 2 * logs, 2 do
  if tonumber(ARGV[i]) > mark then
    redis.call('LPUSH', KEYS[4], ARGV[i + 1])
    pushed = pushed + 1
  end
end
if pushed > 0 then redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[3]) - 1) end
return { total, processed, failed, string.format('%d', last) }
