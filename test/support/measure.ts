// Runs `mc` as runMc does, measuring its wall time and peak memory. Peak
// memory is the child's own VmHWM (/proc/<pid>/status), polled while it runs:
// the kernel keeps that high-water mark per address space, so it is the peak of
// mc alone (the rusage of a spawned child also counts the parent's pages it was
// forked from). A child that outgrows `killAbove` or `killAfterMs` is killed,
// so a bomb cannot take the machine down with the test.

import { readFileSync } from 'node:fs'
import { MC, ROOT } from './mc.ts'

export interface MeasuredRun {
  code: number
  stdout: string
  stderr: string
  ms: number
  peakBytes: number
  /** Why the run was cut short, if it was. */
  killed?: 'time' | 'memory'
}

const MB = 1024 * 1024

export async function runMcMeasured(args: string[], options: { cwd?: string; killAfterMs?: number; killAbove?: number } = {}): Promise<MeasuredRun> {
  const killAfterMs = options.killAfterMs ?? 20_000
  const killAbove = options.killAbove ?? 1024 * MB
  const started = performance.now()
  const proc = Bun.spawn([...MC, ...args], { cwd: options.cwd ?? ROOT, stdout: 'pipe', stderr: 'pipe' })
  const output = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  let peakBytes = 0
  let killed: MeasuredRun['killed']
  while (proc.exitCode === null && proc.signalCode === null) {
    peakBytes = Math.max(peakBytes, highWaterMark(proc.pid))
    if (!killed && peakBytes > killAbove) killed = 'memory'
    if (!killed && performance.now() - started > killAfterMs) killed = 'time'
    if (killed) proc.kill('SIGKILL')
    await Bun.sleep(2)
  }
  const code = await proc.exited
  const ms = performance.now() - started
  const [stdout, stderr] = await output
  return { code, stdout, stderr, ms, peakBytes, ...(killed ? { killed } : {}) }
}

/** VmHWM of a live process in bytes; 0 once it is gone. */
function highWaterMark(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) * 1024 : 0
  } catch {
    return 0
  }
}
