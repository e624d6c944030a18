// `.mc/state.json`: which background mc runs (pid and start time), how to start
// it again (`mc start`), and where it answers. 0600 in a 0700 folder.
//
// The `-e` values are kept here, not on the command line: `mc start` promises
// the same arguments without asking for them again, and this file is as
// private as the user's own shell history they were typed in; `mc down`
// deletes it.

import { readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { findComposeFile } from '../../core/compose/load.ts'
import type { CliArgs } from '../invocation/args.ts'
import { writePrivateFile } from './private-files.ts'
import type { ProcessRecord } from './process-identity.ts'

export interface DetachedState extends ProcessRecord {
  /** The `-e KEY=VALUE` assignments, handed to the process outside its command line. */
  env: string[]
  cwd: string
  url: string
}

export function stateDir(args: CliArgs): string {
  const first = args.files[0] ? resolve(args.files[0]) : findComposeFile(process.cwd())
  return join(dirname(first), '.mc')
}

export function readState(dir: string): DetachedState | undefined {
  let state: DetachedState
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as DetachedState
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
