// Which process a recorded pid is now. A pid is reused once its process is
// gone, so `mc down` must not trust it alone: the background mc is recorded
// with its start time (/proc/PID/stat field 22, clock ticks since boot, which
// no later process with that pid can share) and its arguments.

import { readFileSync } from 'node:fs'

export interface ProcessRecord {
  pid: number
  /** Field 22 of /proc/PID/stat; absent in a state file of an older mc or off Linux. */
  startTime?: number
  /** The arguments after the program (and script): its command line must end with them. */
  argv: string[]
}

const HAS_PROC = process.platform === 'linux'

interface Stat {
  /** R, S, D...; Z: exited, not yet collected by its parent (a zombie). */
  state: string
  startTime: number
}

function statOf(pid: number): Stat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // "pid (command) state ppid ...": the command may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0]!, startTime: Number(fields[19]) }
  } catch {
    return undefined
  }
}

/** The start time of process `pid`; undefined when there is none. */
export function startTimeOf(pid: number): number | undefined {
  return statOf(pid)?.startTime
}

function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)
  } catch {
    return undefined
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether the process recorded still runs: the same pid, start time and arguments, and not exited. */
export function stillRuns(record: ProcessRecord): boolean {
  if (!HAS_PROC) return signalable(record.pid)
  const stat = statOf(record.pid)
  if (!stat || stat.state === 'Z' || !sameStart(record, stat)) return false
  const commandLine = commandLineOf(record.pid)
  return commandLine !== undefined && commandLine.length > record.argv.length && commandLine.slice(-record.argv.length).every((arg, i) => arg === record.argv[i])
}

/** Whether the process recorded still holds its pid: running, or exited and not yet collected by its parent. */
export function holdsPid(record: ProcessRecord): boolean {
  if (!HAS_PROC) return signalable(record.pid)
  const stat = statOf(record.pid)
  return stat !== undefined && sameStart(record, stat)
}

/** Whether some process, ours or not, holds `pid` now (to say why a recorded one is left alone). */
export function pidInUse(pid: number): boolean {
  return HAS_PROC ? statOf(pid) !== undefined : signalable(pid)
}

function sameStart(record: ProcessRecord, stat: Stat): boolean {
  return record.startTime === undefined || record.startTime === stat.startTime
}
