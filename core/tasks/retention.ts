// What both backends count and say about retention: the bytes an event or an
// output takes, and the one line a tombstone keeps once they are dropped.

import { describeBytes } from '../settings.ts'
import type { TaskEvent, TaskStatus } from './task-store.ts'

/** How often a store sweeps expired and over-budget tasks besides on finish. */
export const SWEEP_INTERVAL_MS = 30_000

/** What an event costs beyond its text (its seq and framing), so that even empty events count. */
const EVENT_OVERHEAD_BYTES = 16

/** The bytes an event takes in the recording: its UTF-8 text and the overhead. */
export function eventBytes(event: TaskEvent): number {
  return EVENT_OVERHEAD_BYTES + Buffer.byteLength(event.data) + (event.event === undefined ? 0 : Buffer.byteLength(event.event))
}

/** A finished task's output as stored (JSON text; undefined when there is none) and its bytes. */
export function storedOutput(output: unknown): { json: string | undefined; bytes: number } {
  const json = output === undefined ? undefined : JSON.stringify(output)
  return { json, bytes: json === undefined ? 0 : Buffer.byteLength(json) }
}

/** A tombstone's reason: `task "<id>" <status>` then this. */
export function droppedBecause(maxBytes: number): string {
  return `, but its output is no longer kept: finished tasks keep at most ${describeBytes(maxBytes)} of outputs and recorded streams (MC_TASK_MEMORY_BYTES), the oldest dropped first`
}

export function droppedReason(id: string, status: TaskStatus, maxBytes: number): string {
  return `task "${id}" ${status}${droppedBecause(maxBytes)}`
}
