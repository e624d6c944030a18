// What the task store suites (task-store-*.test.ts) share: the store's
// contract runs against both backends, real sqlite files in temporary folders
// and a real redis-server of the suite's own; owners that die are real child
// processes, SIGKILLed.

import { afterAll, afterEach, beforeAll } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ulid } from 'ulid'
import { entryBytes, redisEventBytes } from '../../core/tasks/store/redis/stored-bytes.ts'
import { openRedisStore } from '../../core/tasks/store/redis/redis-store.ts'
import { batchRowBytes, sqliteEventBytes } from '../../core/tasks/store/sqlite/stored-bytes.ts'
import { openSqliteStore } from '../../core/tasks/store/sqlite/sqlite-store.ts'
import type { Retention, TaskEvent, TaskStore } from '../../core/tasks/store/task-store.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'

export const ROOMY: Retention = { maxAgeMs: 3_600_000, maxBytes: 64 << 20, maxStreamBytes: 1 << 20 }
const STORE = join(import.meta.dir, '../../core/tasks/store')

export interface Backend {
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
export const sqlite: Backend = {
  name: 'sqlite',
  async setup() {
    folder = mkdtempSync(join(tmpdir(), 'mc-task-store-'))
  },
  async teardown() {
    rmSync(folder, { recursive: true, force: true })
  },
  place: () => join(folder, ulid(), 'tasks.db'),
  open: (place, retention, owner) => openSqliteStore(place, retention, { owner }),
  openInChild: (place) => `(await import('${STORE}/sqlite/sqlite-store.ts')).openSqliteStore(${JSON.stringify(place)}, ${JSON.stringify(ROOMY)}, { owner })`,
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
export const redisBackend: Backend = {
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
    `(await import('${STORE}/redis/redis-store.ts')).openRedisStore({ url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}, retention: ${JSON.stringify(ROOMY)}, owner })`,
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

/**
 * The backends a suite runs on: sqlite, and Redis when redis-server is
 * installed (otherwise a test of the calling file fails naming how to install it).
 */
export const storeBackends = (): Backend[] => (redisAvailable() ? [sqlite, redisBackend] : [sqlite])


/** Waits until `condition` holds (a sweep after a write may finish after the write's promise); fails after 10 s. */
export async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the store')
    await Bun.sleep(20)
  }
}

/** Events seq from..to, each `size` bytes of data. */
export function events(from: number, to: number, size = 10): TaskEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, data: String(from + i).padEnd(size, '.') }))
}

/** An owner id of this host whose process is this one, in an earlier life (another ulid). */
export const earlierLife = () => `${ulid()}@${hostname()}:${process.pid}`

/** This process's owner id, as code for a child process. */
export const CHILD_INSTANCE = `(await import('${STORE}/instance-id.ts')).instanceId()`

/**
 * A child process that opens the store as the owner `ownerCode` evaluates to,
 * creates a running task with one event, and waits to be killed.
 */
export async function childOwningTask(openCode: string, id: string, ownerCode: string): Promise<ReturnType<typeof Bun.spawn>> {
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

/**
 * Inside a suite's describe for `backend`: its setup and teardown, and the
 * stores opened and child processes started by each test, closed and killed
 * after it.
 */
export function storeHooks(backend: Backend) {
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
  return { open, children }
}
