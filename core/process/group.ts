// mc runs each child process (a supervisor: see supervisor.ts) in a process
// group of its own (`detached: true` = setsid): a Ctrl-C meant for mc does not
// reach it, and a last-resort SIGKILL reaches it and everything in its group.

/** Sends `signal` to the whole group led by `pid`; false when it is gone already. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}
