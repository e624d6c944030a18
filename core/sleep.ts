// Waiting that a cancelled run does not sit out.

/** setTimeout's longest wait; longer ones (a delay until next month) wait in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  for (let left = Math.max(0, ms); ; left -= LONGEST_TIMER_MS) {
    await step(Math.min(left, LONGEST_TIMER_MS), signal)
    if (left <= LONGEST_TIMER_MS) return
  }
}

function step(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
