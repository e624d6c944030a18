// The supervisor: a small program mc starts for every child process it runs (a
// managed server, a shell command) so that nothing that child starts outlives
// mc, however mc ends (Ctrl-C, SIGTERM, SIGKILL, a crash).
//
//   mc ──stdin pipe──▶ supervisor (subreaper) ──▶ the command ──▶ its workers…
//
// - It is a child subreaper (PR_SET_CHILD_SUBREAPER): a process below it whose
//   parent dies is re-parented to it rather than to init, so every descendant
//   (a worker that called setsid, a daemon that forked twice) is still found
//   by walking parent links down from it.
// - It learns that mc is gone from end-of-file on its stdin, a pipe mc holds and
//   never writes: the kernel closes mc's end whatever ended mc, SIGKILL
//   included, even if that happened before the supervisor got going. A
//   parent-death signal (PR_SET_PDEATHSIG) is the second line of defence.
// - When mc is gone, when mc asks (SIGTERM, SIGINT, SIGHUP) or when the command
//   exits, it sends SIGTERM to every descendant, SIGKILL to those still there
//   after the grace period, and repeats until none is left; then it exits with
//   the command's exit code (128 + signal when a signal ended it). A command
//   that cannot start (not found, not executable) is reported on fd 3 instead.
//
// Why not the alternatives: cgroups need delegation or privileges mc may not
// have, and when mc is SIGKILLed nothing is left to kill the cgroup; pidfds and
// process groups follow only the processes mc started itself, not a grandchild
// that called setsid. Linux-only calls degrade to nothing elsewhere.
//
//   bun core/process/supervisor-main.ts GRACE_SECONDS COMMAND [ARG...]
//   mc __supervise GRACE_SECONDS COMMAND [ARG...]      (a built mc: binary or bundle)
//
// Its imports are kept to a minimum: a shell command pays its start-up per run.

import type { Subprocess } from 'bun'
import { closeSync, writeSync } from 'node:fs'
import { liveDescendants, processTable, type ProcessEntry } from './descendants.ts'
import { reapChild, setChildSubreaper, setParentDeathSignal } from './libc.ts'

/** The hidden first argument that makes the compiled mc run as a supervisor. */
export const SUPERVISE_ARG = '__supervise'

const POLL_MS = 50

export async function supervise([grace, ...argv]: string[]): Promise<never> {
  const graceMs = Math.max(0, Number(grace) * 1000 || 0)
  // Listening first: a SIGTERM (mc stopping, or mc's death below) must never
  // find the command started and this process still on the default action.
  const stopAsked = new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => resolve())
    void stdinClosed().then(resolve)
  })
  setChildSubreaper()
  setParentDeathSignal('SIGTERM')
  let child: Subprocess
  try {
    child = Bun.spawn(argv, { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit' })
  } catch (error) {
    process.stderr.write(`cannot start ${argv[0]}: ${(error as Error).message}\n`)
    report(JSON.stringify({ code: (error as { code?: unknown }).code, message: (error as Error).message }))
    process.exit(127)
  }
  report() // started: the end of the report pipe says so
  // Bun collects the status of the child it started; orphans re-parented here are ours to collect.
  process.on('SIGCHLD', () => reapOrphans(child.pid, processTable()))
  await Promise.race([stopAsked, child.exited])
  await stopDescendants(graceMs, child.pid)
  process.exit(await child.exited)
}

/**
 * Writes to fd 3, the pipe on which mc learns whether the command could start
 * (SupervisedProcess.startFailure), then closes it: like the error pipe of
 * Python's subprocess, a start failure is not confused with an exit code.
 */
function report(failure?: string): void {
  try {
    if (failure !== undefined) writeSync(3, failure)
    closeSync(3)
  } catch {
    // no report pipe: started by hand
  }
}

/** Resolves when mc's end of our stdin closes: mc has exited, whatever way. */
async function stdinClosed(): Promise<void> {
  try {
    for await (const _ of Bun.stdin.stream()) {
      // mc never writes; reading only waits for end-of-file
    }
  } catch {
    // an error on the pipe means mc's end is gone too
  }
}

function reapOrphans(main: number, table: ProcessEntry[]): void {
  for (const entry of table) {
    if (entry.ppid === process.pid && entry.zombie && entry.pid !== main) reapChild(entry.pid)
  }
}

/** SIGTERM to every descendant, SIGKILL after `graceMs` (at once when 0), until none is left. */
async function stopDescendants(graceMs: number, main: number): Promise<void> {
  const deadline = performance.now() + graceMs
  const warned = new Set<number>()
  for (;;) {
    const table = processTable()
    reapOrphans(main, table)
    const left = liveDescendants(process.pid, table)
    if (left.length === 0) return
    const late = performance.now() >= deadline
    for (const pid of left) {
      if (late) signal(pid, 'SIGKILL')
      else if (!warned.has(pid)) {
        warned.add(pid)
        signal(pid, 'SIGTERM')
      }
    }
    await Bun.sleep(POLL_MS)
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // gone already
  }
}
