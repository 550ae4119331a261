#!lua flags=no-writes
-- A channel's position and the frames a subscriber needs, read atomically (PROTOCOL.md sections 3-4).
-- Read only (the shebang makes Redis refuse any write): readers never write, so no client
-- request can create a key. Only the publish script creates epochs; a channel never published
-- has epoch '' and offset 0.
-- KEYS[1] hg:{C}:epoch   KEYS[2] hg:{C}:offset   KEYS[3] hg:{C}:history
-- ARGV[1] mode: 'since' (frames after ARGV[3] in epoch ARGV[2]), 'snapshot' (latest frame),
--               'latest' (last ARGV[3] frames, oldest first), 'none'
-- ARGV[2] the client's epoch (mode since); '' with offset 0 means "nothing seen yet"
-- ARGV[3] the client's offset (mode since) or a count (mode latest)
-- ARGV[4] whether to fall back to the snapshot when 'since' cannot be served ('1' or '0')
-- ARGV[5] mode since: at most this many frames (0 = all)
-- returns { epoch, offset, recovered (1/0), frames... }
local epoch = redis.call('GET', KEYS[1]) or ''
local offset = tonumber(redis.call('GET', KEYS[2]) or '0')
local result = { epoch, offset, 0 }
local mode = ARGV[1]
if mode == 'since' then
  local since = tonumber(ARGV[3])
  local wanted = ARGV[2]
  if wanted == '' and since == 0 then
    -- Nothing seen yet: whatever the current epoch is, it is read from its offset 1.
    wanted = epoch
  end
  if wanted == epoch and since ~= nil and since >= 0 and since <= offset then
    if since == offset then
      result[3] = 1
      return result
    end
    local first = string.format('%d', since + 1) .. '-0'
    local count = tonumber(ARGV[5])
    local entries
    if count ~= nil and count > 0 then
      entries = redis.call('XRANGE', KEYS[3], first, '+', 'COUNT', count)
    else
      entries = redis.call('XRANGE', KEYS[3], first, '+')
    end
    if #entries > 0 and entries[1][1] == first then
      result[3] = 1
      for i = 1, #entries do
        result[#result + 1] = entries[i][2][2]
      end
      return result
    end
  end
  if ARGV[4] ~= '1' then
    return result
  end
  mode = 'snapshot'
end
if mode == 'snapshot' then
  local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
  if #last > 0 then
    result[4] = last[1][2][2]
  end
elseif mode == 'latest' then
  local entries = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', tonumber(ARGV[3]))
  for i = #entries, 1, -1 do
    result[#result + 1] = entries[i][2][2]
  end
end
return result
