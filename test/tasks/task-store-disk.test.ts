// What the task store really takes (issue 18, point 3): on disk for SQLite
// (real files, their sizes and pages), in memory for a real redis-server. The
// store holds about its bound whatever the tasks are — many quick runs, long
// running streams — because it counts them as they are stored; its file
// shrinks back once tasks expire; its files are its user's alone.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ulid } from 'ulid'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { openRedisStore } from '../../core/tasks/store/redis/redis-store.ts'
import { RUNNING_FLOOR_BYTES } from '../../core/tasks/store/retention.ts'
import { openSqliteStore } from '../../core/tasks/store/sqlite/sqlite-store.ts'
import type { Retention, TaskStore } from '../../core/tasks/store/task-store.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'

const MiB = 1 << 20
const BOUND = 4 * MiB
const RETENTION: Retention = { maxAgeMs: 3_600_000, maxBytes: BOUND, maxStreamBytes: 8 * MiB }

let folder: string
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'mc-task-disk-'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** `count` quick background-like runs, 500 at a time: each streams one 8-byte event and finishes with it as output. */
async function quickRuns(store: TaskStore, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - done) }, async () => {
        const id = ulid()
        await store.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
        await store.start(id)
        await store.markStreamed(id)
        await store.appendEvents(id, [{ seq: 1, data: 'hello wo' }])
        await store.finish(id, { status: 'completed', output: 'hello wo' })
      }),
    )
  }
}

/** Starts `count` streams that stay running, then records `bytes` into each: batches of 16 chat-sized events, turn by turn. */
async function runningStreams(store: TaskStore, count: number, bytes: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => ulid())
  for (const id of ids) {
    await store.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
    await store.markStreamed(id)
  }
  const data = 'y'.repeat(200)
  for (let seq = 1; seq * 200 <= bytes; seq += 16) {
    await Promise.all(ids.map((id) => store.appendEvents(id, Array.from({ length: 16 }, (_, i) => ({ seq: seq + i, data })))))
  }
  return ids
}

/** The oldest stream can no longer be read from its start; every stream still has its newest events (a client can resume near the end). */
async function expectCutDown(store: TaskStore, ids: string[]): Promise<void> {
  expect((await store.readEvents(ids[0]!, 0, 1)).firstSeq).toBeGreaterThan(1)
  for (const id of ids) {
    const { lastSeq } = await store.readEvents(id, 0, 0)
    expect((await store.readEvents(id, lastSeq - 16, 16)).events).toHaveLength(16)
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(50)
  }
}

describe('sqlite: the file', () => {
  const fileBytes = (path: string) => statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0)
  /** Bytes of the file's pages in use (not free). */
  function usedBytes(path: string): number {
    const db = new Database(path, { readonly: true })
    try {
      const { page_count } = db.query<{ page_count: number }, []>('PRAGMA page_count').get()!
      const { freelist_count } = db.query<{ freelist_count: number }, []>('PRAGMA freelist_count').get()!
      return (page_count - freelist_count) * 4096
    } finally {
      db.close()
    }
  }

  test('40,000 quick runs under a 4 MiB bound: the file holds about 4 MiB, not all of them', async () => {
    const path = join(folder, 'quick.sqlite')
    const store = await openSqliteStore(path, RETENTION)
    try {
      await quickRuns(store, 40_000)
      await until('the sweeps', () => usedBytes(path) < 1.3 * BOUND)
      const used = usedBytes(path)
      console.log(`40,000 quick runs, 4 MiB bound: ${(used / MiB).toFixed(2)} MiB of pages in use, file and -wal ${(fileBytes(path) / MiB).toFixed(2)} MiB`)
      // Counted as stored: what is kept is the bound's worth, within 30 %.
      expect(used).toBeGreaterThan(0.7 * BOUND)
      expect(statSync(path).size).toBeLessThan(1.3 * BOUND + MiB)
    } finally {
      await store.close()
    }
  }, 60_000)

  test('40 running streams of 1 MiB each under a 4 MiB bound: the oldest are cut down to the floor', async () => {
    const path = join(folder, 'streams.sqlite')
    const store = await openSqliteStore(path, RETENTION)
    try {
      const ids = await runningStreams(store, 40, MiB)
      const ceiling = BOUND + 40 * RUNNING_FLOOR_BYTES
      await until('the sweeps', () => usedBytes(path) < 1.3 * ceiling)
      console.log(`40 running streams of 1 MiB, 4 MiB bound: ${(usedBytes(path) / MiB).toFixed(2)} MiB of pages in use`)
      expect(statSync(path).size).toBeLessThan(1.3 * ceiling + MiB)
      await expectCutDown(store, ids)
    } finally {
      await store.close()
    }
  }, 60_000)

  test('the file shrinks, and its write-ahead log is truncated, once its tasks expire', async () => {
    const path = join(folder, 'expiring.sqlite')
    const store = await openSqliteStore(path, { ...RETENTION, maxBytes: 1 << 30 })
    await quickRuns(store, 50_000)
    await store.close()
    const full = fileBytes(path)
    expect(full).toBeGreaterThan(10 * MiB)
    const expiring = await openSqliteStore(path, { ...RETENTION, maxAgeMs: 1 }, { sweepIntervalMs: 100 })
    try {
      await until('the file to shrink', () => fileBytes(path) < MiB)
      console.log(`50,000 quick runs: ${(full / MiB).toFixed(1)} MiB; expired: ${(fileBytes(path) / 1024).toFixed(0)} KiB (file and -wal)`)
    } finally {
      await expiring.close()
    }
  }, 60_000)

  describe('is private', () => {
    const modeOf = (path: string) => statSync(path).mode & 0o777
    let umask: number
    beforeAll(() => {
      // The usual umask: without it SQLite would make the files 0644.
      umask = process.umask(0o022)
    })
    afterAll(() => process.umask(umask))

    test("the default .mc/tasks.sqlite: folder 0700, database, -wal and -shm 0600", async () => {
      const project = join(folder, 'project')
      mkdirSync(project)
      const path = join(project, '.mc', 'tasks.sqlite')
      const store = await openSqliteStore(path, RETENTION)
      try {
        await store.create({ task_id: 't', workflow_id: 'chat', owner: instanceId() })
        expect(modeOf(join(project, '.mc'))).toBe(0o700)
        for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, modeOf(file)]).toEqual([file, 0o600])
      } finally {
        await store.close()
      }
    })

    test('a path in an existing 0755 folder: the folder stays as it is, the files are 0600; a 0644 file from before becomes 0600', async () => {
      const shared = join(folder, 'shared')
      mkdirSync(shared)
      chmodSync(shared, 0o755)
      const path = join(shared, 'tasks.sqlite')
      const older = join(shared, 'older.sqlite')
      writeFileSync(older, '')
      chmodSync(older, 0o644)
      const stores = [await openSqliteStore(path, RETENTION), await openSqliteStore(older, RETENTION)]
      try {
        for (const store of stores) await store.create({ task_id: 't', workflow_id: 'chat', owner: instanceId() })
        expect(modeOf(shared)).toBe(0o755)
        for (const file of [path, `${path}-wal`, `${path}-shm`, older, `${older}-wal`]) expect([file, modeOf(file)]).toEqual([file, 0o600])
      } finally {
        for (const store of stores) await store.close()
      }
    })
  })

  test('a file from before is brought up to date: its tasks read back, counted, and it shrinks from now on', async () => {
    const path = join(folder, 'before.sqlite')
    const old = new Database(path, { create: true })
    old.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE tasks (task_id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, status TEXT NOT NULL, output TEXT, error TEXT,
        streamed INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER, dropped TEXT,
        output_bytes INTEGER NOT NULL DEFAULT 0, event_bytes INTEGER NOT NULL DEFAULT 0, first_seq INTEGER NOT NULL DEFAULT 1,
        last_seq INTEGER NOT NULL DEFAULT 0, cancel INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE event_batches (task_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, bytes INTEGER NOT NULL,
        totals BLOB NOT NULL, payload TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta VALUES ('kept_bytes', 22);
      INSERT INTO tasks (task_id, workflow_id, status, output, owner, created_at, finished_at, output_bytes)
        VALUES ('kept', 'chat', 'completed', '"an output of before"', 'o', 1, ${Date.now()}, 22);
      INSERT INTO tasks (task_id, workflow_id, status, error, owner, created_at, finished_at, dropped)
        VALUES ('dropped', 'chat', 'failed', 'a long error', 'o', 1, ${Date.now()}, 'task "dropped" failed, but its output is no longer kept: as said then');
    `)
    old.close()
    const store = await openSqliteStore(path, RETENTION)
    try {
      expect(await store.get('kept')).toMatchObject({ status: 'completed', output: 'an output of before' })
      const dropped = await store.get('dropped')
      expect(dropped?.dropped).toBe('task "dropped" failed, but its output is no longer kept: as said then')
      expect(dropped?.error).toBeUndefined()
      await store.create({ task_id: 'new', workflow_id: 'chat', owner: instanceId() })
      await store.finish('new', { status: 'completed', output: 'cut', output_truncated: true })
      expect(await store.get('new')).toMatchObject({ output: 'cut', output_truncated: true })
      const db = new Database(path, { readonly: true })
      try {
        expect(db.query<{ auto_vacuum: number }, []>('PRAGMA auto_vacuum').get()!.auto_vacuum).toBe(2)
        const counted = db.query<{ value: number }, []>("SELECT value FROM meta WHERE key = 'stored_bytes'").get()!.value
        const rows = db.query<{ bytes: number }, []>('SELECT sum(row_bytes + output_bytes + event_bytes) AS bytes FROM tasks').get()!.bytes
        expect(counted).toBe(rows)
        expect(counted).toBeGreaterThan(3 * 100)
      } finally {
        db.close()
      }
    } finally {
      await store.close()
    }
  })
})

if (redisAvailable()) {
  describe('redis: its memory', () => {
    let redis: TestRedis
    let client: InstanceType<typeof Bun.RedisClient>
    beforeAll(async () => {
      redis = await startRedis()
      client = new Bun.RedisClient(redis.url)
    })
    afterAll(async () => {
      client?.close()
      await redis?.stop()
    })
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec((await client.send('INFO', ['memory'])) as string)![1])

    test('3,000 quick runs under a 4 MiB bound: Redis holds about 4 MiB more, not all of them', async () => {
      const store = await openRedisStore({ url: redis.url, prefix: `q${ulid()}`, retention: RETENTION })
      const before = await usedMemory()
      try {
        await quickRuns(store, 3_000)
        await until('the sweeps', async () => (await usedMemory()) - before < 1.3 * BOUND)
        const grew = (await usedMemory()) - before
        console.log(`3,000 quick runs, 4 MiB bound: Redis used ${(grew / MiB).toFixed(2)} MiB more`)
        expect(grew).toBeGreaterThan(0.7 * BOUND)
      } finally {
        await store.close()
      }
    }, 60_000)

    test('40 running streams of 512 KiB each under a 4 MiB bound: the oldest are cut down to the floor', async () => {
      const store = await openRedisStore({ url: redis.url, prefix: `s${ulid()}`, retention: RETENTION })
      const before = await usedMemory()
      try {
        const ids = await runningStreams(store, 40, MiB / 2)
        const ceiling = BOUND + 40 * RUNNING_FLOOR_BYTES
        await until('the sweeps', async () => (await usedMemory()) - before < 1.3 * ceiling)
        console.log(`40 running streams of 512 KiB, 4 MiB bound: Redis used ${(((await usedMemory()) - before) / MiB).toFixed(2)} MiB more`)
        await expectCutDown(store, ids)
      } finally {
        await store.close()
      }
    }, 60_000)
  })
}
