// The Redis store's recording scripts (see redis-scripts.ts for the keys): a
// task's events as a stream, one entry per appendEvents batch, kept within
// the bound by dropping the oldest — whole entries, then the oldest events of
// the next (which stays as it is, the hash's first_seq saying where its kept
// events start). Retention cuts running recordings down the same way.

import { STORED_BYTES_LUA } from './stored-bytes.ts'

/** drop_oldest(stream, first, recorded, excess) → the new first seq and recorded bytes. */
export const DROP_OLDEST_LUA = `
local function before(totals, index)
  if index <= 0 then return 0 end
  return tonumber(string.sub(totals, index * 8 - 7, index * 8), 16)
end
local function drop_oldest(stream, first, recorded, excess)
  local new_first = first
  while excess > 0 and recorded > 0 do
    local entries = redis.call('XRANGE', stream, new_first .. '-0', '+', 'COUNT', 4)
    -- No entries left: nothing is recorded, whatever was counted.
    if #entries == 0 then recorded = 0 end
    for _, entry in ipairs(entries) do
      if excess <= 0 then break end
      local entry_first, entry_last, totals = tonumber(entry[2][2]), tonumber(string.match(entry[1], '^(%d+)')), entry[2][6]
      local index = math.max(0, new_first - entry_first)
      local count = entry_last - entry_first + 1
      if before(totals, count) - before(totals, index) <= excess then
        local kept = tonumber(entry[2][4]) - before(totals, index)
        excess, recorded = excess - kept, recorded - kept
        new_first = entry_last + 1
      else
        while excess > 0 do
          local bytes = before(totals, index + 1) - before(totals, index)
          excess, recorded, index = excess - bytes, recorded - bytes, index + 1
        end
        new_first = entry_first + index
      end
    end
  end
  if new_first > first then redis.call('XTRIM', stream, 'MINID', new_first .. '-0') end
  return new_first, recorded
end
`

export const RECORDING_SCRIPTS = {
  /**
   * ARGV: P, id, max stream bytes, the batch's first seq, its last, its entry's bytes, the seq it is kept from
   * (the caller drops the oldest events of a batch larger than the bound), the kept entry's bytes, their
   * running totals, payload → the store's total bytes, or 0 when the task has finished. Stores the kept
   * events as one entry, dropping the oldest recorded events beyond the bound.
   */
  append: `${STORED_BYTES_LUA}${DROP_OLDEST_LUA}
local P, id, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key, stream = P .. ':task:' .. id, P .. ':events:' .. id
local st = redis.call('HMGET', key, 'last_seq', 'first_seq', 'event_bytes', 'finished_at', 'created_at')
if not st[1] then return redis.error_reply('task store: no task "' .. id .. '" to record events of') end
if st[4] then return 0 end
local last, first, before_bytes = tonumber(st[1]), tonumber(st[2]), tonumber(st[3])
if tonumber(ARGV[4]) ~= last + 1 then
  return redis.error_reply('task store: task "' .. id .. '" records event ' .. (last + 1) .. ' next, not ' .. ARGV[4])
end
local batch_last, batch_bytes, kept_from, kept_bytes = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local new_first, recorded = drop_oldest(stream, first, before_bytes, before_bytes + batch_bytes - max)
-- Still over: every recorded event went, and the batch is kept from where the caller cut it.
if recorded + batch_bytes > max then new_first = kept_from end
if kept_from <= batch_last then
  redis.call('XADD', stream, batch_last .. '-0', 'f', kept_from, 'b', kept_bytes, 't', ARGV[9], 'p', ARGV[10])
  recorded = recorded + kept_bytes
end
redis.call('HSET', key, 'last_seq', batch_last, 'first_seq', new_first, 'event_bytes', recorded)
if before_bytes == 0 then redis.call('ZADD', P .. ':streams', st[5], id) end
redis.call('PUBLISH', key, 'e')
return add_bytes(P, id, recording_bytes(recorded) - recording_bytes(before_bytes))`,

  /**
   * ARGV: P, id, after seq, limit → {first seq, last seq, then each entry holding events after the seq (up to
   * the limit): its first seq and payload}, from one snapshot. A stream not recorded: {0, last seq}.
   */
  read: `
local st = redis.call('HMGET', ARGV[1] .. ':task:' .. ARGV[2], 'first_seq', 'last_seq')
if not st[1] then return {1, 0} end
local first, last = tonumber(st[1]), tonumber(st[2])
local out = {first, last}
if first == 0 then return out end
local from = math.max(tonumber(ARGV[3]) + 1, first)
local to = math.min(from + tonumber(ARGV[4]) - 1, last)
if from > to then return out end
local stream, start, count = ARGV[1] .. ':events:' .. ARGV[2], from .. '-0', 1
while true do
  local entries = redis.call('XRANGE', stream, start, '+', 'COUNT', count)
  for _, entry in ipairs(entries) do
    out[#out + 1] = entry[2][2]
    out[#out + 1] = entry[2][8]
    if tonumber(string.match(entry[1], '^(%d+)')) >= to then return out end
    start = '(' .. entry[1]
  end
  if #entries < count then return out end
  count = math.min(count * 2, 64)
end`,
}
