// Whether the owner of unfinished tasks still runs, the same way on both
// backends: every open store keeps a heartbeat for its owner (refreshed every
// HEARTBEAT_EVERY_MS, stale after HEARTBEAT_TTL_MS) holding its pid namespace.
// An owner is gone when its heartbeat is (a SIGKILLed process on any host is
// noticed within HEARTBEAT_TTL_MS + OWNER_SWEEP_MS = 13 s), or at once when it
// beats from this host and pid namespace and its pid no longer runs or is this
// process's own in an earlier life.

import { hostname } from 'node:os'
import { instanceId, ownerParts, pidNamespace } from './instance-id.ts'

/** A heartbeat older than this means its owner is gone… */
export const HEARTBEAT_TTL_MS = 10_000
/** …it is refreshed this often (three beats may be late before the owner counts as gone)… */
export const HEARTBEAT_EVERY_MS = 3_000
/** …and the owners of unfinished tasks are checked this often. */
export const OWNER_SWEEP_MS = 3_000

/**
 * The error of a task whose owner stopped before finishing it: clients are not
 * told which host and pid that was. Not "interrupted": that status is a task
 * waiting for a human's answer (a job's `interrupt`), which outlives its process.
 */
export const ABANDONED = 'abandoned: the mc process running it stopped before it finished'


/** Whether `owner` is gone, given the pid namespace its live heartbeat holds (null: no live heartbeat). */
export function ownerGone(owner: string, heartbeat: string | null): boolean {
  if (owner === instanceId()) return false
  if (heartbeat === null) return true
  if (heartbeat !== pidNamespace()) return false
  const parts = ownerParts(owner)
  if (!parts || parts.host !== hostname()) return false
  if (parts.pid === process.pid) return true
  try {
    process.kill(parts.pid, 0)
    return false
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

const held = new Map<string, number>()

/**
 * Counts the stores of this process that keep the heartbeat `key` (several may
 * share an owner); the release says whether the last one let go, so that the
 * heartbeat can be removed at once rather than left to go stale.
 */
export function holdHeartbeat(key: string): () => boolean {
  held.set(key, (held.get(key) ?? 0) + 1)
  let released = false
  return () => {
    if (released) return false
    released = true
    const left = held.get(key)! - 1
    if (left > 0) held.set(key, left)
    else held.delete(key)
    return left === 0
  }
}
