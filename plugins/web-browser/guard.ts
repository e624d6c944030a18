// The bounds of one action beyond its own waits: the run's cancellation and
// an overall deadline (page code from `evaluate` has no timeout of its own).
// Either one stops the action at once and closes its page, so that nothing
// left running in it (a script in a loop, a load) holds the session.

import { upstreamTimedOut } from '../../core/plugin/api.ts'

/** Past the action's timeout, the time its own waits get to fail first with their clearer message. */
const GRACE_MS = 1000

export async function guarded<T>(work: Promise<T>, method: string, timeoutMs: number, signal: AbortSignal, closePage: () => Promise<void>): Promise<T> {
  signal.throwIfAborted()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const cut = new Promise<never>((_, reject) => {
    // The page closes in the background: a page stuck in a script must not hold the answer.
    const stop = (reason: unknown) => {
      void closePage()
      reject(reason)
    }
    onAbort = () => stop(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    timer = setTimeout(() => stop(upstreamTimedOut(`${method}: did not finish within ${timeoutMs / 1000}s; mc closed its page`)), timeoutMs + GRACE_MS)
  })
  work.catch(() => {}) // settles after the cut, with the page closed under it
  try {
    return await Promise.race([work, cut])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
