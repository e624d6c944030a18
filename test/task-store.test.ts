// The task store's contract, one suite run against both backends: real sqlite
// files in temporary folders, a real redis-server of the suite's own. Owners
// that die are real child processes, SIGKILLed.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ulid } from 'ulid'
import { instanceId } from '../core/tasks/instance-id.ts'
import { entryBytes, redisEventBytes } from '../core/tasks/redis/stored-bytes.ts'
import { openRedisStore } from '../core/tasks/redis-store.ts'
import { RUNNING_FLOOR_BYTES } from '../core/tasks/retention.ts'
import { batchRowBytes, sqliteEventBytes } from '../core/tasks/sqlite/stored-bytes.ts'
import { openSqliteStore } from '../core/tasks/sqlite-store.ts'
import type { Retention, TaskEvent, TaskStore } from '../core/tasks/task-store.ts'
import { freePort } from './support/mc.ts'
import { redisAvailable, startRedis, type TestRedis } from './support/redis.ts'

const ROOMY: Retention = { maxAgeMs: 3_600_000, maxBytes: 64 << 20, maxStreamBytes: 1 << 20 }
const TASKS = join(import.meta.dir, '../core/tasks')

interface Backend {
  name: 'sqlite' | 'redis'
  setup(): Promise<void>
  teardown(): Promise<void>
  /** Where one test's stores live: a new sqlite file, a new Redis prefix. */
  place(): string
  open(place: string, retention: Retention, owner?: string): Promise<TaskStore>
  /** Source, for a child process, of an expression opening the store at `place` as the owner in its variable `owner`. */
  openInChild(place: string): string
  /** The bytes a task's recorded events take where they are stored. */
  footprint(place: string, id: string): Promise<number>
  /** The bytes the store at `place` counts itself holding. */
  counted(place: string): Promise<number>
  /** An event's bytes, and a batch's (its events' and its own), as the backend counts them. */
  eventBytes(event: TaskEvent): number
  batchBytes(id: string, events: TaskEvent[]): number
}

let folder: string
let redis: TestRedis
const sqlite: Backend = {
  name: 'sqlite',
  async setup() {
    folder = mkdtempSync(join(tmpdir(), 'mc-task-store-'))
  },
  async teardown() {
    rmSync(folder, { recursive: true, force: true })
  },
  place: () => join(folder, ulid(), 'tasks.db'),
  open: (place, retention, owner) => openSqliteStore(place, retention, { owner }),
  openInChild: (place) => `(await import('${TASKS}/sqlite-store.ts')).openSqliteStore(${JSON.stringify(place)}, ${JSON.stringify(ROOMY)}, { owner })`,
  async footprint(place) {
    return statSync(place).size
  },
  async counted(place) {
    const db = new Database(place, { readonly: true })
    try {
      return db.query<{ value: number }, []>("SELECT value FROM meta WHERE key = 'stored_bytes'").get()!.value
    } finally {
      db.close()
    }
  },
  eventBytes: sqliteEventBytes,
  batchBytes: (id, batch) => batchRowBytes(id, batch.reduce((sum, event) => sum + sqliteEventBytes(event), 0)),
}
const redisBackend: Backend = {
  name: 'redis',
  async setup() {
    redis = await startRedis()
  },
  async teardown() {
    await redis?.stop()
  },
  place: () => `t${ulid()}`,
  open: (prefix, retention, owner) => openRedisStore({ url: redis.url, prefix, retention, owner }),
  openInChild: (prefix) =>
    `(await import('${TASKS}/redis-store.ts')).openRedisStore({ url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}, retention: ${JSON.stringify(ROOMY)}, owner })`,
  async footprint(prefix, id) {
    const client = new Bun.RedisClient(redis.url)
    try {
      return Number(await client.send('MEMORY', ['USAGE', `${prefix}:events:${id}`, 'SAMPLES', '0']))
    } finally {
      client.close()
    }
  },
  async counted(prefix) {
    const client = new Bun.RedisClient(redis.url)
    try {
      return Number(await client.send('GET', [`${prefix}:stored-total`]))
    } finally {
      client.close()
    }
  },
  eventBytes: redisEventBytes,
  batchBytes: (_, batch) => entryBytes(batch.reduce((sum, event) => sum + redisEventBytes(event), 0)),
}

const backends = redisAvailable() ? [sqlite, redisBackend] : [sqlite]

/** Waits until `condition` holds (a sweep after a write may finish after the write's promise); fails after 10 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the store')
    await Bun.sleep(20)
  }
}

/** Events seq from..to, each `size` bytes of data. */
function events(from: number, to: number, size = 10): TaskEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, data: String(from + i).padEnd(size, '.') }))
}

/** An owner id of this host whose process is this one, in an earlier life (another ulid). */
const earlierLife = () => `${ulid()}@${hostname()}:${process.pid}`

/** This process's owner id, as code for a child process. */
const CHILD_INSTANCE = `(await import('${TASKS}/instance-id.ts')).instanceId()`

/**
 * A child process that opens the store as the owner `ownerCode` evaluates to,
 * creates a running task with one event, and waits to be killed.
 */
async function childOwningTask(openCode: string, id: string, ownerCode: string): Promise<ReturnType<typeof Bun.spawn>> {
  const code = `
    const owner = ${ownerCode}
    const store = await ${openCode}
    await store.create({ task_id: ${JSON.stringify(id)}, workflow_id: 'chat', owner })
    await store.start(${JSON.stringify(id)})
    await store.appendEvents(${JSON.stringify(id)}, [{ seq: 1, data: 'hello' }])
    console.log('ready')
    setInterval(() => {}, 1000)`
  const child = Bun.spawn([process.execPath, '-e', code], { stdout: 'pipe', stderr: 'pipe' })
  const reader = child.stdout.getReader()
  const { value } = await reader.read()
  if (!new TextDecoder().decode(value).includes('ready')) {
    child.kill('SIGKILL')
    throw new Error(`child store did not start: ${await new Response(child.stderr).text()}`)
  }
  return child
}

describe.each(backends)('task store on $name', (backend) => {
  const opened: TaskStore[] = []
  const open = async (place: string, retention = ROOMY, owner?: string) => {
    const store = await backend.open(place, retention, owner)
    opened.push(store)
    return store
  }
  const children: ReturnType<typeof Bun.spawn>[] = []

  beforeAll(() => backend.setup())
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => {})))
  })
  afterAll(() => backend.teardown())

  test('a task is created, started, finished once, and read back', async () => {
    const store = await open(backend.place())
    expect(store.kind).toBe(backend.name)
    await store.create({ task_id: 'a', workflow_id: 'chat', owner: instanceId() })
    expect(await store.get('a')).toMatchObject({ task_id: 'a', workflow_id: 'chat', status: 'pending', streamed: false, owner: instanceId() })
    await store.start('a')
    expect((await store.get('a'))?.status).toBe('processing')
    expect(await store.finish('a', { status: 'completed', output: { text: 'hi', n: [1, 2] } })).toBe(true)
    expect(await store.finish('a', { status: 'failed', error: 'too late' })).toBe(false)
    const task = await store.get('a')
    expect(task).toMatchObject({ status: 'completed', output: { text: 'hi', n: [1, 2] } })
    expect(task?.error).toBeUndefined()
    expect(task?.finished_at).toBeGreaterThanOrEqual(task!.created_at)
    expect(await store.get('nope')).toBeUndefined()
    await expect(store.create({ task_id: 'a', workflow_id: 'chat', owner: instanceId() })).rejects.toThrow('task store: a task "a" exists already')
  })

  test('tasks survive closing and reopening the store', async () => {
    const place = backend.place()
    const first = await open(place)
    for (const id of ['done', 'broken', 'streamed']) await first.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
    await first.finish('done', { status: 'completed', output: [1, 'two'] })
    await first.finish('broken', { status: 'failed', error: 'upstream said 500' })
    await first.markStreamed('streamed')
    await first.appendEvents('streamed', events(1, 3))
    await first.close()
    const again = await open(place)
    expect(await again.get('done')).toMatchObject({ status: 'completed', output: [1, 'two'] })
    expect(await again.get('broken')).toMatchObject({ status: 'failed', error: 'upstream said 500' })
    expect(await again.get('streamed')).toMatchObject({ status: 'pending', streamed: true })
    expect((await again.readEvents('streamed', 0, 10)).events.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  test('events are read in windows after a seq; a gap or an unknown task is refused', async () => {
    const store = await open(backend.place())
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('s', [...events(1, 5), { seq: 6, event: 'error', data: '{"error":"x"}' }])
    const window = await store.readEvents('s', 2, 3)
    expect(window).toEqual({ events: events(3, 5), firstSeq: 1, lastSeq: 6 })
    expect((await store.readEvents('s', 5, 10)).events).toEqual([{ seq: 6, event: 'error', data: '{"error":"x"}' }])
    expect((await store.readEvents('s', 6, 10)).events).toEqual([])
    expect(await store.readEvents('unknown', 0, 10)).toEqual({ events: [], firstSeq: 1, lastSeq: 0 })
    await expect(store.appendEvents('s', events(8, 9))).rejects.toThrow('task store: task "s" records event 7 next, not 8')
    await expect(store.appendEvents('unknown', events(1, 1))).rejects.toThrow('no task "unknown"')
  })

  test('a recording beyond maxStreamBytes (as stored) loses its oldest events, and says from where it starts', async () => {
    // The bound holds ten events of 84 bytes in one batch.
    const max = backend.batchBytes('s', events(1, 10, 84))
    const store = await open(backend.place(), { ...ROOMY, maxStreamBytes: max })
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('s', events(1, 8, 84))
    expect((await store.readEvents('s', 0, 100)).firstSeq).toBe(1)
    await store.appendEvents('s', events(9, 13, 84))
    const window = await store.readEvents('s', 0, 100)
    expect(window.lastSeq).toBe(13)
    expect(window.events.map((e) => e.seq)).toEqual(events(window.firstSeq, 13).map((e) => e.seq))
    // The first batch is kept (whole, as stored) less the oldest events that had to go: no more than had to.
    const kept = (firstSeq: number) =>
      backend.batchBytes('s', events(1, 8, 84)) - (firstSeq - 1) * backend.eventBytes(events(1, 1, 84)[0]!) + backend.batchBytes('s', events(9, 13, 84))
    expect(window.firstSeq).toBeGreaterThan(1)
    expect(kept(window.firstSeq)).toBeLessThanOrEqual(max)
    expect(kept(window.firstSeq - 1)).toBeGreaterThan(max)
    // One batch larger than the bound keeps only its newest events: ten.
    await store.appendEvents('s', events(14, 40, 84))
    expect(await store.readEvents('s', 0, 100)).toEqual({ events: events(31, 40, 84), firstSeq: 31, lastSeq: 40 })
  })

  test('a 50 MB stream recorded under a 1 MB bound keeps about 1 MB', async () => {
    const place = backend.place()
    const store = await open(place, { ...ROOMY, maxStreamBytes: 1 << 20 })
    await store.create({ task_id: 'big', workflow_id: 'chat', owner: instanceId() })
    const batch = 256
    const eventSize = 1_000
    for (let seq = 1; seq <= (50 << 20) / eventSize; seq += batch) await store.appendEvents('big', events(seq, seq + batch - 1, eventSize))
    const window = await store.readEvents('big', 0, 10_000)
    const recorded = window.events.reduce((sum, e) => sum + backend.eventBytes(e), 0)
    expect(recorded).toBeLessThanOrEqual(1 << 20)
    expect(recorded).toBeGreaterThan(0.95 * (1 << 20))
    expect(window.events[0]!.seq).toBe(window.firstSeq)
    expect(window.events.at(-1)!.seq).toBe(window.lastSeq)
    expect(await backend.footprint(place, 'big')).toBeLessThan(4 << 20)
  }, 60_000)

  test('finished tasks older than maxAgeMs are forgotten', async () => {
    const store = await open(backend.place(), { ...ROOMY, maxAgeMs: 300 })
    await store.create({ task_id: 'old', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('old', events(1, 2))
    await store.finish('old', { status: 'completed', output: 'x' })
    await store.create({ task_id: 'running', workflow_id: 'chat', owner: instanceId() })
    await Bun.sleep(600)
    await store.create({ task_id: 'new', workflow_id: 'chat', owner: instanceId() })
    await store.finish('new', { status: 'completed', output: 'y' })
    expect(await store.get('old')).toBeUndefined()
    expect((await store.readEvents('old', 0, 10)).events).toEqual([])
    expect((await store.get('new'))?.output).toBe('y')
    expect((await store.get('running'))?.status).toBe('pending')
  })

  test('beyond maxBytes (everything, as stored) the oldest finished tasks lose output and events, and keep a tombstone saying why', async () => {
    const place = backend.place()
    const roomy = await open(place)
    await roomy.create({ task_id: 'first', workflow_id: 'chat', owner: instanceId() })
    await roomy.markStreamed('first')
    await roomy.appendEvents('first', events(1, 5, 184))
    await roomy.finish('first', { status: 'completed', output: null })
    await roomy.create({ task_id: 'second', workflow_id: 'chat', owner: instanceId() })
    await roomy.finish('second', { status: 'failed', error: 'e'.repeat(500) })
    await roomy.close()
    // Room for what the two take, not for a third.
    const maxBytes = (await backend.counted(place)) + 100
    const store = await open(place, { ...ROOMY, maxBytes })
    await store.create({ task_id: 'third', workflow_id: 'chat', owner: instanceId() })
    await store.finish('third', { status: 'completed', output: 'o'.repeat(600) })
    const first = await store.get('first')
    expect(first).toMatchObject({ status: 'completed', streamed: true })
    expect(first?.output).toBeUndefined()
    expect(first?.dropped).toBe(
      `task "first" completed, but its output is no longer kept: the task store keeps at most ${maxBytes} bytes (MC_TASK_STORE_BYTES), dropping the oldest finished tasks' outputs and recorded streams first`,
    )
    expect(await store.readEvents('first', 0, 10)).toEqual({ events: [], firstSeq: 6, lastSeq: 5 })
    expect((await store.get('second'))?.dropped).toBeUndefined()
    expect((await store.get('third'))?.output).toBe('o'.repeat(600))
    expect(await backend.counted(place)).toBeLessThanOrEqual(maxBytes)
  })

  test('tombstones keep no output or error, and only the newest maxTombstones of them stay', async () => {
    // Room for tombstones, not for one output.
    const store = await open(backend.place(), { ...ROOMY, maxBytes: 20_000, maxTombstones: 3 })
    for (let i = 1; i <= 8; i++) {
      await store.create({ task_id: `t${i}`, workflow_id: 'chat', owner: instanceId() })
      await store.finish(`t${i}`, i % 2 ? { status: 'failed', error: 'e'.repeat(50_000) } : { status: 'completed', output: 'o'.repeat(50_000) })
    }
    for (let i = 1; i <= 5; i++) expect(await store.get(`t${i}`)).toBeUndefined()
    for (let i = 6; i <= 8; i++) {
      const tombstone = await store.get(`t${i}`)
      expect(tombstone).toMatchObject({ task_id: `t${i}`, status: i % 2 ? 'failed' : 'completed' })
      expect(tombstone?.dropped).toStartWith(`task "t${i}" ${i % 2 ? 'failed' : 'completed'}, but its output is no longer kept`)
      expect(tombstone?.output).toBeUndefined()
      expect(tombstone?.error).toBeUndefined()
    }
  })

  test('over maxBytes, finished tasks go first; then running recordings are cut down to a floor, the oldest first', async () => {
    const place = backend.place()
    const store = await open(place, { ...ROOMY, maxBytes: 1_500_000, maxStreamBytes: 1 << 20 })
    const record = async (id: string, kilobytes: number) => {
      await store.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
      await store.markStreamed(id)
      for (let seq = 1; seq <= kilobytes; seq += 100) await store.appendEvents(id, events(seq, seq + 99, 1000))
    }
    await store.create({ task_id: 'done', workflow_id: 'chat', owner: instanceId() })
    await store.finish('done', { status: 'completed', output: 'o'.repeat(600_000) })
    await record('old', 500)
    await record('new', 500)
    await until(async () => (await store.get('done'))?.dropped !== undefined)
    for (const id of ['old', 'new']) expect((await store.readEvents(id, 0, 1)).firstSeq).toBe(1)
    // Running recordings alone over the bound: the oldest are cut down.
    await record('newer', 500)
    await record('newest', 500)
    await until(async () => (await backend.counted(place)) <= 1_500_000)
    const old = await store.readEvents('old', 0, 10_000)
    expect(old.firstSeq).toBeGreaterThan(1)
    expect(old.lastSeq).toBe(500)
    expect(old.events.reduce((sum, e) => sum + backend.eventBytes(e), 0)).toBeLessThanOrEqual(RUNNING_FLOOR_BYTES)
    expect((await store.readEvents('newest', 0, 1)).firstSeq).toBe(1)
  }, 30_000)

  test('a completed output that was cut short says so, and keeps saying so', async () => {
    const place = backend.place()
    const first = await open(place)
    await first.create({ task_id: 'cut', workflow_id: 'chat', owner: instanceId() })
    await first.finish('cut', { status: 'completed', output: 'the start of it', output_truncated: true })
    await first.create({ task_id: 'whole', workflow_id: 'chat', owner: instanceId() })
    await first.finish('whole', { status: 'completed', output: 'all of it' })
    expect(await first.get('cut')).toMatchObject({ status: 'completed', output: 'the start of it', output_truncated: true })
    await first.close()
    const again = await open(place)
    expect(await again.get('cut')).toMatchObject({ status: 'completed', output: 'the start of it', output_truncated: true })
    expect((await again.get('whole'))?.output_truncated).toBeUndefined()
  })

  test('a waiter is woken at once by this store, by another store on the same place, and by a finish', async () => {
    const place = backend.place()
    const here = await open(place)
    const there = await open(place)
    await here.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    const never = new AbortController().signal
    const woken = async (store: TaskStore, afterSeq: number, act: () => Promise<unknown>) => {
      const started = performance.now()
      const waiting = store.waitForChange('s', afterSeq, 10_000, never)
      await Bun.sleep(50)
      await act()
      await waiting
      return performance.now() - started - 50
    }
    expect(await woken(here, 0, () => here.appendEvents('s', events(1, 1)))).toBeLessThan(1_000)
    // Other processes' writes: sqlite polls (every 50 ms), Redis publishes.
    expect(await woken(there, 1, () => here.appendEvents('s', events(2, 2)))).toBeLessThan(backend.name === 'redis' ? 500 : 2_000)
    expect(await woken(here, 2, () => there.appendEvents('s', events(3, 3)))).toBeLessThan(backend.name === 'redis' ? 500 : 2_000)
    expect(await woken(there, 3, () => here.finish('s', { status: 'completed', output: null }))).toBeLessThan(2_000)
    // Already changed after the seq, or finished: no wait at all.
    const started = performance.now()
    await there.waitForChange('s', 1, 10_000, never)
    await here.waitForChange('s', 3, 10_000, never)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  test('a wait ends at its timeout or when its signal aborts', async () => {
    const store = await open(backend.place())
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    let started = performance.now()
    await store.waitForChange('s', 0, 200, new AbortController().signal)
    expect(performance.now() - started).toBeGreaterThanOrEqual(150)
    const abort = new AbortController()
    started = performance.now()
    setTimeout(() => abort.abort(), 100)
    await store.waitForChange('s', 0, 10_000, abort.signal)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  test('a cancel request reaches the listeners of the store whose process runs the task', async () => {
    const place = backend.place()
    const runner = await open(place, ROOMY, instanceId())
    const asker = await open(place, ROOMY, earlierLife())
    await runner.create({ task_id: 'run', workflow_id: 'chat', owner: instanceId() })
    await runner.start('run')
    const heard: string[] = []
    const stop = runner.onCancelRequest((id) => heard.push(id))
    await asker.requestCancel('run')
    const deadline = Date.now() + 5_000
    while (!heard.includes('run') && Date.now() < deadline) await Bun.sleep(10)
    expect(heard).toEqual(['run'])
    stop()
    await asker.requestCancel('run')
    await Bun.sleep(300)
    expect(heard).toEqual(['run'])
  })

  test('a claimed task is the new owner\'s: its cancel requests go there, and its first owner\'s death no longer fails it', async () => {
    const place = backend.place()
    const child = await childOwningTask(backend.openInChild(place), 'handed', CHILD_INSTANCE)
    children.push(child)
    const worker = await open(place)
    expect(await worker.claim('handed', instanceId())).toBe(true)
    expect((await worker.get('handed'))?.owner).toBe(instanceId())
    expect(await worker.claim('nobody', instanceId())).toBe(false)
    const heard: string[] = []
    worker.onCancelRequest((id) => heard.push(id))
    const asker = await open(place, ROOMY, earlierLife())
    await asker.requestCancel('handed')
    const deadline = Date.now() + 5_000
    while (!heard.includes('handed') && Date.now() < deadline) await Bun.sleep(10)
    expect(heard).toEqual(['handed'])
    child.kill('SIGKILL')
    await child.exited
    expect(await worker.recover()).toBe(0)
    expect((await worker.get('handed'))?.status).toBe('processing')
    await worker.finish('handed', { status: 'completed', output: null })
    expect(await worker.claim('handed', earlierLife())).toBe(false)
  })

  test('recover fails the unfinished tasks of a SIGKILLed process, and of this process in an earlier life, not of live ones', async () => {
    const place = backend.place()
    const child = await childOwningTask(backend.openInChild(place), 'killed', CHILD_INSTANCE)
    children.push(child)
    child.kill('SIGKILL')
    await child.exited
    // This process in an earlier life, restarted before its heartbeat went stale.
    const earlier = earlierLife()
    await (await open(place, ROOMY, earlier)).create({ task_id: 'earlier', workflow_id: 'chat', owner: earlier })
    const store = await open(place)
    await store.create({ task_id: 'live', workflow_id: 'chat', owner: instanceId() })
    await store.start('live')
    expect(await store.recover()).toBe(2)
    for (const id of ['killed', 'earlier']) {
      const task = await store.get(id)
      expect(task?.status).toBe('failed')
      expect(task?.error).toMatch(/^interrupted: the mc process running it stopped before it finished$/)
    }
    expect((await store.readEvents('killed', 0, 10)).events).toEqual([{ seq: 1, data: 'hello' }])
    expect((await store.get('live'))?.status).toBe('processing')
    expect(await store.recover()).toBe(0)
  })

  test("a SIGKILLed owner's task on another host fails within 15 s with nobody calling recover; a live owner's stays", async () => {
    const place = backend.place()
    // Owners on another host: only their heartbeats tell whether they live.
    const elsewhere = `'${ulid()}@elsewhere.invalid:' + process.pid`
    const child = await childOwningTask(backend.openInChild(place), 'doomed', elsewhere)
    children.push(child)
    const watcher = await open(place)
    const liveOwner = `${ulid()}@elsewhere.invalid:1`
    const live = await open(place, ROOMY, liveOwner)
    await live.create({ task_id: 'alive', workflow_id: 'chat', owner: liveOwner })
    await live.start('alive')
    child.kill('SIGKILL')
    await child.exited
    const killedAt = performance.now()
    // A reader attached to the run is woken by the failure: it does not hang.
    const deadline = new AbortController()
    setTimeout(() => deadline.abort(), 25_000)
    let seen = 1
    while (!deadline.signal.aborted) {
      const task = await watcher.get('doomed')
      if (task?.status === 'failed') break
      await watcher.waitForChange('doomed', seen, 25_000, deadline.signal)
      seen = (await watcher.readEvents('doomed', 0, 1)).lastSeq
    }
    const took = performance.now() - killedAt
    console.log(`a SIGKILLed owner's task failed ${(took / 1000).toFixed(1)} s after the kill`)
    const failed = await watcher.get('doomed')
    expect(failed?.status).toBe('failed')
    expect(failed?.error).toMatch(/^interrupted: the mc process running it stopped before it finished$/)
    // The bound: a heartbeat is stale after 10 s, owners are checked every 3 s: 13 s, with margin for a slow machine.
    expect(took).toBeLessThan(15_000 + 3_000)
    expect((await watcher.get('alive'))?.status).toBe('processing')
  }, 30_000)
})

describe('sqlite task store file', () => {
  test('a missing folder is created private; a file that is not a task database is refused in one line naming it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mc-task-store-'))
    try {
      const path = join(root, 'new', '.mc', 'tasks.db')
      await (await openSqliteStore(path, ROOMY)).close()
      expect(statSync(join(root, 'new', '.mc')).mode & 0o777).toBe(0o700)
      const notDatabase = join(root, 'notes.db')
      writeFileSync(notDatabase, 'these are my notes, not a database\n'.repeat(200))
      const refused = await openSqliteStore(notDatabase, ROOMY).then(
        () => 'opened',
        (error: Error) => error.message,
      )
      expect(refused).toStartWith(`task store ${notDatabase}: cannot open it as a task database (`)
      expect(refused).not.toContain('\n')
      mkdirSync(join(root, 'folder.db'))
      await expect(openSqliteStore(join(root, 'folder.db'), ROOMY)).rejects.toThrow(`task store ${join(root, 'folder.db')}: `)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

if (backends.includes(redisBackend)) {
  test('a Redis that is not there, or goes away, is one line naming it (never its password); nothing goes unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const server = await startRedis()
    let store: TaskStore | undefined
    try {
      const nobody = freePort()
      const refused = await openRedisStore({ url: `redis://me:secret@127.0.0.1:${nobody}`, retention: ROOMY }).then(
        () => 'opened',
        (error: Error) => error.message,
      )
      expect(refused).toMatch(new RegExp(`^task store \\(redis redis://127\\.0\\.0\\.1:${nobody}\\): cannot connect: [^\\n]+$`))
      store = await openRedisStore({ url: server.url, prefix: 'gone', retention: ROOMY })
      await store.create({ task_id: 't', workflow_id: 'chat', owner: instanceId() })
      await server.stop()
      const line = new RegExp(`^task store \\(redis redis://127\\.0\\.0\\.1:${server.port}\\): [^\\n]+$`)
      const calls = [() => store!.get('t'), () => store!.appendEvents('t', events(1, 1)), () => store!.finish('t', { status: 'failed', error: 'x' })]
      for (const call of calls) {
        const failure = await call().then(
          () => 'succeeded',
          (error: Error) => error.message,
        )
        expect(failure).toMatch(line)
      }
      // The heartbeat and the sweeps run meanwhile, and fail quietly.
      await Bun.sleep(3_500)
    } finally {
      await store?.close()
      await server.stop()
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
  }, 20_000)
}
