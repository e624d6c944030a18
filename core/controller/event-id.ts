// The `id:` of an SSE event mc sends: `<task_id>:<seq>`. The task id in it lets
// a client that comes back with `Last-Event-ID` (even on the POST that started
// the run) be answered from that task's recording, from the event after it.

import { badRequest } from '../errors.ts'

export function eventIdOf(taskId: string, seq: number): string {
  return `${taskId}:${seq}`
}

export interface EventPosition {
  taskId: string
  /** The last event the client has: it gets the ones after. */
  seq: number
}

/** Reads a `Last-Event-ID` (`field` names where it came from): 400 when it is not one mc sent. */
export function parseEventId(text: string, field: string): EventPosition {
  const match = /^([^:\s]+):(\d{1,15})$/.exec(text.trim())
  if (!match) throw badRequest(`${field}: expected an event id of the form <task_id>:<seq>, got ${JSON.stringify(text)}`)
  return { taskId: match[1]!, seq: Number(match[2]) }
}
