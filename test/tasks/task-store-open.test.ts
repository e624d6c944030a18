// Opening a task store that cannot be: a sqlite path that is not a task
// database, or is a folder (a missing folder is created, private); a Redis
// that is not there, or goes away, with the heartbeat and sweeps running.

import { describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { openRedisStore } from '../../core/tasks/store/redis/redis-store.ts'
import { openSqliteStore } from '../../core/tasks/store/sqlite/sqlite-store.ts'
import type { TaskStore } from '../../core/tasks/store/task-store.ts'
import { freePort } from '../support/mc.ts'
import { startRedis } from '../support/redis.ts'
import { events, redisBackend, ROOMY, storeBackends } from './task-store-backends.ts'

const backends = storeBackends()

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
      expect(refused).toMatch(new RegExp(`^task store \\(redis redis://me:\\*\\*\\*@127\\.0\\.0\\.1:${nobody}\\): cannot connect: [^\\n]+$`))
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
