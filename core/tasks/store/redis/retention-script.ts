// The Redis store's retention sweep (see redis-scripts.ts for the keys), in
// the order retention.ts gives: expired tasks are forgotten (Redis expires
// their keys itself; their bytes leave the total here), tombstones beyond
// their count go, and while the store holds more than its bound: the oldest
// finished tasks become tombstones, the oldest tombstones go, and the oldest
// running tasks' recordings are cut down to a floor.

import { DROP_OLDEST_LUA } from './recording-scripts.ts'
import { STORED_BYTES_LUA } from './stored-bytes.ts'

/** ARGV: P, now, max age ms, max bytes, tombstone mark, task limit, max tombstones, recording floor → {1 when work is left, the store's total bytes}. */
export const SWEEP_SCRIPT = `${STORED_BYTES_LUA}${DROP_OLDEST_LUA}
local P, now, max_age, max_bytes, mark = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local limit, max_tombstones, floor = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local kept, tombstones, sizes = P .. ':kept', P .. ':tombstones', P .. ':sizes'
local done = 0
local total = stored_total(P)

local function forget(id, set)
  redis.call('ZREM', set, id)
  total = add_bytes(P, id, -tonumber(redis.call('HGET', sizes, id) or '0'))
  redis.call('HDEL', sizes, id)
  done = done + 1
end
local function delete(id, set)
  redis.call('DEL', P .. ':task:' .. id, P .. ':events:' .. id)
  forget(id, set)
end
local function cap_tombstones()
  local over = redis.call('ZCARD', tombstones) - max_tombstones
  if over <= 0 then return end
  for _, id in ipairs(redis.call('ZRANGE', tombstones, 0, over - 1)) do delete(id, tombstones) end
end
-- A new hash, holding what a tombstone keeps (Redis would not shrink the encoding a large output gave the old one).
local function tombstone(id)
  local key = P .. ':task:' .. id
  local t = redis.call('HMGET', key, 'task_id', 'workflow_id', 'status', 'streamed', 'owner', 'created_at', 'finished_at', 'last_seq', 'event_bytes', 'row_bytes')
  if not t[1] then return forget(id, kept) end
  redis.call('DEL', key, P .. ':events:' .. id)
  redis.call('HSET', key, 'task_id', t[1], 'workflow_id', t[2], 'status', t[3], 'streamed', t[4], 'owner', t[5], 'created_at', t[6],
    'finished_at', t[7], 'first_seq', tonumber(t[8]) + 1, 'last_seq', t[8], 'event_bytes', 0, 'row_bytes', t[10], 'dropped', mark)
  redis.call('PEXPIREAT', key, tonumber(t[7]) + max_age)
  redis.call('ZREM', kept, id)
  redis.call('ZADD', tombstones, t[7], id)
  add_bytes(P, id, -recording_bytes(tonumber(t[9])))
  total = measure_row(P, id, key)
  done = done + 1
  redis.call('PUBLISH', key, 'd')
end
local function trim(id)
  local key = P .. ':task:' .. id
  local st = redis.call('HMGET', key, 'first_seq', 'last_seq', 'event_bytes')
  local recorded = tonumber(st[3] or '0')
  done = done + 1
  if recorded <= floor then return end
  local first, left = drop_oldest(P .. ':events:' .. id, tonumber(st[1]), recorded, recorded - floor)
  redis.call('HSET', key, 'first_seq', first, 'event_bytes', left)
  total = add_bytes(P, id, recording_bytes(left) - recording_bytes(recorded))
end

for _, set in ipairs({kept, tombstones}) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. (now - max_age), 'LIMIT', 0, limit)) do delete(id, set) end
end
cap_tombstones()
-- A tombstone frees little when the output was small; the oldest one it pushes beyond the count frees its hash.
while total > max_bytes and done < limit do
  local oldest = redis.call('ZRANGE', kept, 0, 31)
  if #oldest == 0 then break end
  for _, id in ipairs(oldest) do
    if total <= max_bytes or done >= limit then break end
    tombstone(id)
    cap_tombstones()
  end
end
while total > max_bytes and done < limit do
  local oldest = redis.call('ZRANGE', tombstones, 0, 31)
  if #oldest == 0 then break end
  for _, id in ipairs(oldest) do
    if total <= max_bytes or done >= limit then break end
    delete(id, tombstones)
  end
end
local from = 0
while total > max_bytes and done < limit do
  local running = redis.call('ZRANGE', P .. ':streams', from, from + 31)
  if #running == 0 then break end
  for _, id in ipairs(running) do
    if total <= max_bytes or done >= limit then break end
    trim(id)
  end
  from = from + 32
end
if done >= limit then return {1, total} end
return {0, total}`
