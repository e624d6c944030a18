// Stores a task's outcome even when the store refuses writes for a while
// (Redis at maxmemory, a full disk): the write is retried, backing off, until
// it goes through. An outcome still unstored after OUTCOME_FALLBACK_MS is
// replaced by a small failure saying why (a large output may be what does not
// fit), so that the task is failed as soon as any write goes through — never
// `processing` for ever. Meanwhile clients of this process that follow the
// task are told at once (onUnstoredOutcome), instead of waiting on a store that
// will not change.

import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { TaskOutcome, TaskStore } from './store/task-store.ts'
import { timedStoreWrite } from '../observe/store-writes.ts'

const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 5_000
/** After this long unstored, the outcome becomes a failure saying so. */
const OUTCOME_FALLBACK_MS = 30_000

/** Why this process could not store a task's outcome yet, by task. */
const unstored = new Map<string, string>()
/** Followers waiting on a task, told when its outcome could not be stored. */
const watchers = new Map<string, Set<() => void>>()

/** Why this process could not store the task's outcome yet; undefined when it could (or never tried). */
export function unstoredOutcome(id: string): string | undefined {
  return unstored.get(id)
}

/** Calls `listener` when this process fails to store the task's outcome; returns the unsubscribe. */
export function onUnstoredOutcome(id: string, listener: () => void): () => void {
  let set = watchers.get(id)
  if (!set) watchers.set(id, (set = new Set()))
  set.add(listener)
  return () => {
    set.delete(listener)
    if (set.size === 0 && watchers.get(id) === set) watchers.delete(id)
  }
}

/** Resolves once the outcome (or, past OUTCOME_FALLBACK_MS, a failure saying why it was not) is stored. */
export async function writeOutcome(store: TaskStore, id: string, outcome: TaskOutcome, log: Logger): Promise<void> {
  const started = performance.now()
  let delay = FIRST_RETRY_MS
  let current = outcome
  try {
    for (;;) {
      try {
        await timedStoreWrite('finish', store.finish(id, current))
        return
      } catch (error) {
        const reason = `its outcome could not be stored in the task store: ${messageOf(error)}`
        if (!unstored.has(id)) {
          log.debug(`task ${id}: ${reason}; retrying`)
          unstored.set(id, reason)
          for (const listener of [...(watchers.get(id) ?? [])]) listener()
        }
        if (current.status === 'completed' && performance.now() - started >= OUTCOME_FALLBACK_MS) current = { status: 'failed', error: reason }
      }
      await Bun.sleep(delay)
      delay = Math.min(delay * 2, MAX_RETRY_MS)
    }
  } finally {
    unstored.delete(id)
  }
}
