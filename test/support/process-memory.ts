// Memory of a running process, from /proc/<pid>/status (Linux).

import { readFileSync, writeFileSync } from 'node:fs'

const MB = 1024 * 1024

/** VmRSS (now) and VmHWM (peak so far) in MiB; zeros once the process is gone. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0)
    return { rssMb: (kb('VmRSS') * 1024) / MB, peakMb: (kb('VmHWM') * 1024) / MB }
  } catch {
    return { rssMb: 0, peakMb: 0 }
  }
}

/** Starts the peak (VmHWM) over from the current RSS, so the next reading is the peak of what follows. */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/**
 * Polls `url` every `everyMs` until stopped; reports the slowest answer, and
 * the highest RSS of `pid` seen meanwhile.
 */
export function watch(url: string, pid: number, everyMs = 50) {
  let running = true
  let slowestMs = 0
  let failures = 0
  let maxRssMb = 0
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
        await response.arrayBuffer()
        if (!response.ok) failures++
      } catch {
        failures++
      }
      slowestMs = Math.max(slowestMs, performance.now() - started)
      maxRssMb = Math.max(maxRssMb, memoryOf(pid).rssMb)
      await Bun.sleep(everyMs)
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return { slowestMs, failures, maxRssMb }
    },
  }
}
