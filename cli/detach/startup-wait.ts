// `mc up -d` and `mc start` wait until the background mc says it listens (on
// a pipe: cli/detach/background-server.ts) or exits. Asking its URL instead would
// take whatever else holds the port for it. It listens before any component
// starts (cli/commands/up.ts), so the wait is loading the files and opening
// the task store: seconds. Past PROGRESS_AFTER_MS its log is shown as it is
// written; when it exits first, or does not listen within the wait, its log
// lines since it started are shown and the wait fails.

import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import type { ServedUrl } from './served-urls.ts'
import { READY_FD } from './background-server.ts'

const PROGRESS_AFTER_MS = 2000
const ECHO_EVERY_MS = 250

/** What was appended to a log file since it was first looked at. */
export class LogFollower {
  private offset: number

  /** `from`: where to start, by default the file's end now. */
  constructor(
    readonly path: string,
    from = sizeOf(path),
  ) {
    this.offset = from
  }

  /** The text written since the last call; from the start again after the file was emptied by rotation. */
  news(): string {
    const size = sizeOf(this.path)
    if (size < this.offset) this.offset = 0
    if (size === this.offset) return ''
    const buffer = Buffer.alloc(size - this.offset)
    const fd = openSync(this.path, 'r')
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset)
    } finally {
      closeSync(fd)
    }
    this.offset = size
    return buffer.toString('utf8')
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

type Outcome = { ready: true; urls: ServedUrl[] } | { ready: false; exit?: string }

/** Resolves with the URLs it serves once it listens. */
export async function waitUntilListening(child: ChildProcess, log: LogFollower, url: string, waitMs: number): Promise<ServedUrl[]> {
  let showing = false
  const echo = () => {
    if (showing) process.stderr.write(log.news())
  }
  const progress = setTimeout(() => {
    showing = true
    process.stderr.write(`waiting for mc (pid ${child.pid}) to listen on ${url} (at most ${waitMs / 1000} s); its log, ${log.path}:\n`)
  }, PROGRESS_AFTER_MS)
  const echoing = setInterval(echo, ECHO_EVERY_MS)
  let timer: Timer | undefined
  const ready = child.stdio[READY_FD]!
  const outcome = await new Promise<Outcome>((resolve) => {
    let said = ''
    ready.on('data', (data: Buffer) => {
      said += data.toString('utf8')
      if (said.includes('\n') || said.length > 65_536) resolve({ ready: true, urls: urlsIn(said) })
    })
    child.once('exit', (code, signal) => resolve({ ready: false, exit: signal ? `killed by ${signal}` : `exit code ${code}` }))
    timer = setTimeout(() => resolve({ ready: false }), waitMs)
  })
  clearTimeout(progress)
  clearInterval(echoing)
  clearTimeout(timer)
  ready.destroy()
  if (outcome.ready) {
    echo()
    return outcome.urls
  }
  process.stderr.write(log.news())
  if (outcome.exit) throw new Error(`mc exited (${outcome.exit}) before it listened; log: ${log.path}`)
  throw new Error(`mc did not listen within ${waitMs / 1000} s (MC_DETACH_WAIT_SECONDS), so it was stopped; log: ${log.path}`)
}

/** The URLs in the line `ready [...]` (none from an mc that says only `ready`). */
function urlsIn(line: string): ServedUrl[] {
  try {
    const urls = JSON.parse(line.slice('ready'.length).trim() || '[]') as unknown
    return Array.isArray(urls) ? (urls as ServedUrl[]) : []
  } catch {
    return []
  }
}
