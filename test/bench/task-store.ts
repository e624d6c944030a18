// The task store's costs: µs per event for appendEvents in batches (one task's
// batches one after another, and many tasks' batches in one turn of the event
// loop, as the recorders of many streams flush together) and for readEvents
// pages, on both backends, and how soon a waiter on another store instance
// (another connection, as another process would be) is woken.
//   bun test/bench/task-store.ts        (BENCH_EVENTS=… to change the count)
// Redis: a redis-server of its own on a free port (Debian's, as the tests use).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { openRedisStore } from '../../core/tasks/store/redis/redis-store.ts'
import { openSqliteStore } from '../../core/tasks/store/sqlite/sqlite-store.ts'
import type { Retention, TaskEvent, TaskStore } from '../../core/tasks/store/task-store.ts'
import { startRedis } from '../support/redis.ts'

const EVENTS = Number(process.env.BENCH_EVENTS ?? 102_400)
const RETENTION: Retention = { maxAgeMs: 3_600_000, maxBytes: 256 << 20, maxStreamBytes: 1 << 20 }
// A typical OpenAI-style chunk.
const DATA = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: ' token' } }] })

async function measure(name: string, store: TaskStore, reopen: () => Promise<TaskStore>): Promise<void> {
  for (const batch of [1, 16, 256]) {
    const id = `append-${batch}`
    await store.create({ task_id: id, workflow_id: 'bench', owner: instanceId() })
    const count = batch === 1 ? Math.min(EVENTS, 10_000) : EVENTS
    const started = performance.now()
    for (let seq = 1; seq <= count; seq += batch) {
      const events: TaskEvent[] = []
      for (let i = 0; i < batch; i++) events.push({ seq: seq + i, data: DATA })
      await store.appendEvents(id, events)
    }
    report(name, `appendEvents, batches of ${batch}`, performance.now() - started, count)
  }
  const tasks = Array.from({ length: 64 }, (_, i) => `turn-${i}`)
  for (const id of tasks) await store.create({ task_id: id, workflow_id: 'bench', owner: instanceId() })
  const started = performance.now()
  for (let seq = 1; seq <= EVENTS / tasks.length; seq += 16) {
    const events = Array.from({ length: 16 }, (_, i): TaskEvent => ({ seq: seq + i, data: DATA }))
    await Promise.all(tasks.map((id) => store.appendEvents(id, events)))
  }
  report(name, `appendEvents, ${tasks.length} tasks × 16 a turn`, performance.now() - started, EVENTS)
  const id = 'append-256'
  const { firstSeq, lastSeq } = await store.readEvents(id, 0, 0)
  let read = 0
  const readStarted = performance.now()
  for (let after = firstSeq - 1; after < lastSeq; ) {
    const { events } = await store.readEvents(id, after, 256)
    read += events.length
    after = events.at(-1)!.seq
  }
  report(name, 'readEvents, pages of 256', performance.now() - readStarted, read)

  const other = await reopen()
  await store.create({ task_id: 'wake', workflow_id: 'bench', owner: instanceId() })
  const latencies: number[] = []
  for (let seq = 1; seq <= 50; seq++) {
    let wokenAt = 0
    const woken = other.waitForChange('wake', seq - 1, 5_000, new AbortController().signal).then(() => (wokenAt = performance.now()))
    await Bun.sleep(5)
    if (wokenAt) throw new Error(`${name}: a waiter woke before anything changed`)
    const sent = performance.now()
    await store.appendEvents('wake', [{ seq, data: DATA }])
    await woken
    latencies.push(wokenAt - sent)
  }
  latencies.sort((a, b) => a - b)
  console.log(`${name.padEnd(7)} wake of a waiter on another instance: p50 ${latencies[25]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`)
  await other.close()
}

function report(name: string, what: string, ms: number, events: number): void {
  console.log(`${name.padEnd(7)} ${what.padEnd(34)} ${((ms * 1000) / events).toFixed(2).padStart(7)} µs/event  (${events} events)`)
}

const folder = mkdtempSync(join(tmpdir(), 'mc-bench-store-'))
try {
  const path = join(folder, 'tasks.db')
  const sqlite = await openSqliteStore(path, RETENTION)
  await measure('sqlite', sqlite, () => openSqliteStore(path, RETENTION, { owner: `${instanceId()}-other` }))
  await sqlite.close()
} finally {
  rmSync(folder, { recursive: true, force: true })
}

const redis = await startRedis()
try {
  const store = await openRedisStore({ url: redis.url, retention: RETENTION })
  await measure('redis', store, () => openRedisStore({ url: redis.url, retention: RETENTION, owner: `${instanceId()}-other` }))
  await store.close()
} finally {
  await redis.stop()
}
