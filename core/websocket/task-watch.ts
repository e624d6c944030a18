// A client's subscription to a task it did not start here (`subscribe_task`,
// `?task=`), or to one of its runs that no longer runs for it (waiting for a
// human's answer, or run by a queue worker): the task is read from the store
// — any process's task — and each change of its status goes out as a
// `task_state` message, until it finishes, the client unsubscribes, or goes.

import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { StoredTask, TaskStore } from '../tasks/store/task-store.ts'
import type { SocketConnection } from './connection.ts'
import { frame } from './envelope.ts'

/** A wait for a change ends after this long, and the watch looks again (a missed wake-up costs at most this). */
const WAIT_MS = 15_000

const isFinished = (task: StoredTask) => task.status === 'completed' || task.status === 'failed'

/**
 * Sends `task_state` for every status the task takes after `seen` (the one
 * the client was last told), until it finishes or the client leaves it.
 */
export function watchTask(connection: SocketConnection, store: TaskStore, taskId: string, seen: StoredTask['status'] | undefined, log: Logger, stateOf: (task: StoredTask) => Record<string, unknown>): void {
  const stop = new AbortController()
  connection.follow(taskId, () => stop.abort())
  void (async () => {
    let last = seen
    while (!stop.signal.aborted) {
      const task = await store.get(taskId)
      if (stop.signal.aborted) return
      if (!task) break
      if (task.status !== last) {
        last = task.status
        connection.send(frame('task_state', undefined, stateOf(task)))
      }
      if (isFinished(task)) break
      await store.waitForChange(taskId, Number.MAX_SAFE_INTEGER, WAIT_MS, stop.signal)
    }
    connection.unfollow(taskId)
  })().catch((error) => {
    connection.unfollow(taskId)
    log.warn(`WebSocket: watching task ${taskId} failed: ${messageOf(error)}`)
  })
}
