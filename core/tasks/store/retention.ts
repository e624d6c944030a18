// What both backends count and say about retention: the bytes an event takes
// in a recording, a finished task's output as stored, the order in which the
// store lets go when it holds more than Retention.maxBytes (finished tasks'
// outputs and events, the oldest first; then tombstones; then running tasks'
// recordings, down to RUNNING_FLOOR_BYTES each), and what a tombstone says.

import { describeBytes } from '../../settings.ts'
import type { TaskEvent, TaskStatus } from './task-store.ts'

/** How often a store sweeps expired and over-budget tasks besides on finish. */
export const SWEEP_INTERVAL_MS = 30_000

/**
 * What a running task's recording is cut down to when the store is over its
 * bound and nothing finished is left to drop: the store then holds about
 * maxBytes + (running tasks × this). Resuming from further back answers 410.
 */
export const RUNNING_FLOOR_BYTES = 64 * 1024

/** Tombstones kept at most unless Retention.maxTombstones says otherwise (one is a row of about 150 bytes). */
export const DEFAULT_MAX_TOMBSTONES = 10_000

/**
 * The bytes an event takes in a batch as stored (event-batch.ts): its UTF-8
 * text, its length prefix, and its running total (`totalBytes` wide).
 */
export function eventBytes(event: TaskEvent, totalBytes: number): number {
  const data = Buffer.byteLength(event.data) + digits(event.data.length) + 1 + totalBytes
  return event.event === undefined ? data : data + Buffer.byteLength(event.event) + digits(event.event.length) + 1
}

function digits(n: number): number {
  let count = 1
  while (n >= 10) {
    n = Math.floor(n / 10)
    count++
  }
  return count
}

/** A finished task's output as stored (JSON text; undefined when there is none) and its bytes. */
export function storedOutput(output: unknown): { json: string | undefined; bytes: number } {
  const json = output === undefined ? undefined : JSON.stringify(output)
  return { json, bytes: json === undefined ? 0 : Buffer.byteLength(json) }
}

/** What a tombstone stores: the bound it was dropped under (its message is made when it is read). */
export function droppedMark(maxBytes: number): string {
  return String(maxBytes)
}

/** A tombstone's message, from its mark (a store from before marks holds the message itself). */
export function droppedMessage(id: string, status: TaskStatus, mark: string): string {
  if (!/^\d+$/.test(mark)) return mark
  const bound = describeBytes(Number(mark))
  return `task "${id}" ${status}, but its output is no longer kept: the task store keeps at most ${bound} (MC_TASK_STORE_BYTES), dropping the oldest finished tasks' outputs and recorded streams first`
}
