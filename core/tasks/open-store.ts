// Opens the controller's task store as configured (`controller.task_store`:
// a SQLite file, by default `.mc/tasks.sqlite` beside the compose file, or a
// Redis server), then fails the tasks an earlier life left unfinished. The
// store it gives answers a backend failure as a 503 and logs an outage once
// per interval (guarded-store.ts), for the HTTP API and queue workers alike.

import type { TaskStoreConfig } from '../model/compose-model.ts'
import type { Logger } from '../log.ts'
import { guardStore } from './guarded-store.ts'
import type { Retention, TaskStore } from './store/task-store.ts'

export async function openTaskStore(config: TaskStoreConfig, retention: Retention, log: Logger): Promise<TaskStore> {
  // Each backend is loaded only when used.
  const store =
    config.driver === 'redis'
      ? await (await import('./store/redis/redis-store.ts')).openRedisStore({ url: config.url, prefix: config.prefix, retention })
      : await (await import('./store/sqlite/sqlite-store.ts')).openSqliteStore(config.path, retention)
  try {
    const abandoned = await store.recover()
    if (abandoned > 0) log.warn(`${abandoned} task(s) were still running when their mc process stopped: they are failed now ("abandoned")`)
  } catch (error) {
    await store.close()
    throw error
  }
  return guardStore(store, log)
}
