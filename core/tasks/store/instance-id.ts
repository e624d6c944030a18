// Who runs a task: every mc process has an instance id, `<ulid>@<hostname>:<pid>`,
// written as the owner of the tasks it runs. The ulid tells this process's
// life from an earlier one with the same pid (a container restarted as pid 1);
// host and pid let a process on the same host see whether the owner still runs.

import { readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { ulid } from 'ulid'

let mine: string | undefined
let namespace: string | undefined

/** This process's instance id, created once. */
export function instanceId(): string {
  mine ??= `${ulid()}@${hostname()}:${process.pid}`
  return mine
}

/**
 * This process's pid namespace (Linux; "" elsewhere). Containers can share a
 * host name (host networking) yet not their pids: an owner's pid is looked up
 * only when its heartbeat says it lives in this namespace.
 */
export function pidNamespace(): string {
  if (namespace === undefined) {
    try {
      namespace = readlinkSync('/proc/self/ns/pid')
    } catch {
      namespace = ''
    }
  }
  return namespace
}

/** The host and pid in an owner id; undefined when it is not of the form above. */
export function ownerParts(owner: string): { host: string; pid: number } | undefined {
  const match = /^[0-9A-Z]{26}@(.+):(\d+)$/.exec(owner)
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined
}
