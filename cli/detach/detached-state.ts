// `.mc/state.json`: which background mc runs (pid and start time), how to start
// it again (`mc start`), and where it answers. 0600 in a 0700 folder.
//
// The `-e` values are kept here, not on the command line: `mc start` promises
// the same arguments without asking for them again, and this file is as
// private as the user's own shell history they were typed in; `mc down`
// deletes it.
//
// `ps`, `logs`, `stop`, `start`, `restart` and `down` find it from any
// sub-folder, as docker compose finds its file (-f names it, else
// ../invocation/nearest-compose-file.ts); a state file another user could
// have written is refused.

import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { isOwn, nearestComposeFile } from '../invocation/nearest-compose-file.ts'
import type { ServedUrl } from './served-urls.ts'
import type { CliArgs } from '../invocation/args.ts'
import { writePrivateFile } from './private-files.ts'
import { ROTATED_KEPT } from './rotating-log.ts'
import type { ProcessRecord } from './process-identity.ts'

export interface DetachedState extends ProcessRecord {
  /** The `-e KEY=VALUE` assignments, handed to the process outside its command line. */
  env: string[]
  cwd: string
  /** The API's URL (the first of `urls`). */
  url: string
  /** Everything it serves (absent in the state file of an older mc, and until it listens). */
  urls?: ServedUrl[]
  /** When it was started (ISO 8601), for its uptime. */
  startedAt?: string
}

export function stateDir(args: CliArgs): string {
  const first = args.files[0] ? resolve(args.files[0]) : nearestComposeFile(process.cwd())
  return join(dirname(first), '.mc')
}

/** Where the background mc's log is. */
export function logFileOf(dir: string): string {
  return join(dir, 'mc.log')
}

/** Its log and the rotated copies kept (rotating-log.ts), oldest first. */
export function logFilesOf(dir: string): string[] {
  const log = logFileOf(dir)
  const rotated = Array.from({ length: ROTATED_KEPT }, (_, i) => `${log}.${ROTATED_KEPT - i}`)
  return [...rotated, log].filter((file) => existsSync(file))
}

export function readState(dir: string): DetachedState | undefined {
  const file = join(dir, 'state.json')
  if (existsSync(file) && !(isOwn(dir) && isOwn(file))) throw new Error(`${file} belongs to another user: mc does not start or signal what someone else recorded; remove it or change its owner`)
  let state: DetachedState
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as DetachedState
  } catch {
    return undefined
  }
  return { ...state, env: state.env ?? [] } // an older mc kept -e in argv and no env
}

/** Writes `state`, or removes the file when undefined. */
export function writeState(dir: string, state: DetachedState | undefined): void {
  if (state) writePrivateFile(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`)
  else rmSync(join(dir, 'state.json'), { force: true })
}

/** `, up 1 h 2 min` (nothing for a state file of an older mc, which did not keep its start). */
export function describeUptime(state: DetachedState): string {
  if (!state.startedAt) return ''
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(state.startedAt)) / 1000))
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60]
  const parts = h > 0 ? [`${h} h`, `${m} min`] : m > 0 ? [`${m} min`, `${s} s`] : [`${s} s`]
  return `, up ${parts.join(' ')} since ${state.startedAt}`
}
