// How many runs this controller takes on at once. Every run holds memory, a
// task in the store and, while it talks to an upstream, one of Bun's fetch
// slots (BUN_CONFIG_MAX_HTTP_REQUESTS, 8192): a flood of never-ending runs
// would take them all and every later run would wait out its timeout. So a run
// is admitted only while fewer than `maxRuns` are in progress (running, or
// waiting for a `max_concurrent_count` slot), and a background run only while
// fewer than `maxBackgroundRuns` background runs are: past either, the request
// is answered at once, 503 with Retry-After, and nothing is started or stored.
// Background runs get a share of their own so that runs nobody waits for can
// never leave no room for the ones a client waits for.

import { busy } from '../errors.ts'

export interface AdmissionLimits {
  /** Runs in progress at once, waited and background. */
  maxRuns: number
  /** Background runs (`wait_for_completion: false`) in progress at once. */
  maxBackgroundRuns: number
}

export class RunAdmission {
  private runs = 0
  private backgroundRuns = 0

  constructor(private readonly limits: AdmissionLimits) {}

  /** Takes a place for a run, or throws 503 (busy); the returned function gives it back (once). */
  admit(background: boolean): () => void {
    const { maxRuns, maxBackgroundRuns } = this.limits
    if (this.runs >= maxRuns) throw busy(`mc is busy: ${maxRuns} runs are in progress, its limit (MC_MAX_RUNS); try again later`)
    if (background && this.backgroundRuns >= maxBackgroundRuns) {
      throw busy(`mc is busy: ${maxBackgroundRuns} background runs are in progress, its limit (MC_MAX_BACKGROUND_RUNS); try again later`)
    }
    this.runs++
    if (background) this.backgroundRuns++
    let released = false
    return () => {
      if (released) return
      released = true
      this.runs--
      if (background) this.backgroundRuns--
    }
  }
}
