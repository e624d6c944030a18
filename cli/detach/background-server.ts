// The background mc's side of `mc up -d` (cli/detach/detach.ts starts it): what it
// is handed outside its command line, where its output goes, and telling the
// waiting `mc up -d` that it listens.

import { closeSync, writeSync } from 'node:fs'
import { format } from 'node:util'
import type { CliArgs } from '../invocation/args.ts'
import type { ServedUrl } from './served-urls.ts'
import { RotatingLog } from './rotating-log.ts'

/** The environment variable that carries the hand-off (JSON); removed once read. */
export const HANDOFF_VARIABLE = 'MC_DETACHED_HANDOFF'
/** A pipe to the waiting `mc up -d`: the server writes to it once it listens. */
export const READY_FD = 3

export interface Handoff {
  /**
   * The `-e KEY=VALUE` assignments. Any user can read a process's command line
   * (/proc/PID/cmdline); only its owner can read its environment.
   */
  env: string[]
  logFile: string
  logMaxBytes: number
}

let handedOff = false

/** In a background mc: applies its `-e` values and sends everything it writes to its log. Else does nothing. */
export function adoptHandoff(args: CliArgs): void {
  const text = process.env[HANDOFF_VARIABLE]
  if (text === undefined) return
  delete process.env[HANDOFF_VARIABLE] // neither the compose file's ${env.*} nor the processes mc starts see it
  const handoff = JSON.parse(text) as Handoff
  args.env.push(...handoff.env)
  routeOutputTo(new RotatingLog(handoff.logFile, handoff.logMaxBytes))
  handedOff = true
}

/** stdout, stderr and the console, which Bun would write straight to the file, unstamped and uncounted. */
function routeOutputTo(log: RotatingLog): void {
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    log.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
    if (callback) queueMicrotask(callback)
    return true
  }
  process.stdout.write = write as typeof process.stdout.write
  process.stderr.write = write as typeof process.stderr.write
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    console[method] = (...values: unknown[]) => log.write(`${format(...values)}\n`)
  }
}

/** Whether this is the background mc: its log stamps every line with its time. */
export function inBackground(): boolean {
  return handedOff
}

/** Tells the waiting `mc up -d` that this server listens, and where (one line: `ready` and the URLs as JSON). */
export function reportReady(urls: ServedUrl[]): void {
  if (!handedOff) return
  try {
    writeSync(READY_FD, `ready ${JSON.stringify(urls)}\n`)
    closeSync(READY_FD)
  } catch {
    // the mc up -d that waited is gone (Ctrl-C): nobody is left to tell
  }
}
