// Child processes that plugins start run in their own process group
// (`detached: true` = setsid), so that stopping one stops everything it started.

/** Sends `signal` to the whole group led by `pid`; false when it is gone already. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}
