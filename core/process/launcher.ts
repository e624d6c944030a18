// mc run by npm (`npx mc`, an npm script) lives as long as npm: npm runs the
// bin through `sh -c`, which neither passes signals on nor dies with npm, so mc
// watches its parent (that sh) and the sh's parent (npm) and stops, in order,
// when either is gone. Run any other way, a parent's exit means nothing
// (`nohup mc up &` outlives its shell).

import { readFileSync } from 'node:fs'

export function followLauncher(): void {
  const byNpm = process.env.npm_lifecycle_event !== undefined
  // Not for anything this process starts: a background `mc up -d` must outlive npm.
  delete process.env.npm_lifecycle_event
  if (!byNpm) return
  const parent = process.ppid
  const grandparent = parentOf(parent)
  const watch = setInterval(() => {
    // Unreadable (no file descriptor to spare, say) is not gone: look again next time.
    const now = parentOf(parent)
    if (process.ppid === parent && (now === grandparent || now === undefined)) return
    clearInterval(watch)
    process.kill(process.pid, 'SIGTERM')
  }, 300)
  watch.unref()
}

/** The parent of process `pid` (Linux /proc); undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}
