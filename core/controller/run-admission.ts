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
// A run waiting for a human's answer (an interrupt) uses nothing but memory:
// it stands aside, no longer counted, until its resume brings it back under
// the same limits (else that resume is answered 503). How many such runs are
// held in memory is bounded apart (waiting-runs.ts, MC_MAX_WAITING_INTERRUPTS).

import { busy } from '../errors.ts'
import { WaitingRuns } from './waiting-runs.ts'

export interface AdmissionLimits {
  /** Runs in progress at once, waited and background. */
  maxRuns: number
  /** Background runs (`wait_for_completion: false`) in progress at once. */
  maxBackgroundRuns: number
  /** Runs held in memory while they wait for a human's answer. */
  maxWaitingInterrupts: number
}

/** An admitted run waiting for a human's answer, not counted meanwhile. */
export interface StandingAside {
  /** Counts the run again (its resume), or throws 503 when the limits are reached; it stays aside then. */
  comeBack(): void
  /** The wait ended without a resume here (cancelled, parked, taken elsewhere): nothing more to count. */
  end(): void
}

export class RunAdmission {
  /** Admitted and not yet done, and of those, standing aside. */
  private runs = 0
  private backgroundRuns = 0
  private aside = 0
  private backgroundAside = 0
  readonly waiting: WaitingRuns

  constructor(private readonly limits: AdmissionLimits) {
    this.waiting = new WaitingRuns(limits.maxWaitingInterrupts)
  }

  /** Takes a place for a run, or throws 503 (busy); the returned function gives it back (once). */
  admit(background: boolean): () => void {
    this.check(background)
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

  /** An admitted run starts waiting for a human: its place is free for others until it comes back. */
  standAside(background: boolean): StandingAside {
    const count = (by: number) => {
      this.aside += by
      if (background) this.backgroundAside += by
    }
    count(1)
    let aside = true
    return {
      comeBack: () => {
        if (!aside) return
        this.check(background)
        aside = false
        count(-1)
      },
      end: () => {
        if (!aside) return
        aside = false
        count(-1)
      },
    }
  }

  private check(background: boolean): void {
    const { maxRuns, maxBackgroundRuns } = this.limits
    if (this.runs - this.aside >= maxRuns) throw busy(`mc is busy: ${maxRuns} runs are in progress, its limit (MC_MAX_RUNS); try again later`)
    if (background && this.backgroundRuns - this.backgroundAside >= maxBackgroundRuns) {
      throw busy(`mc is busy: ${maxBackgroundRuns} background runs are in progress, its limit (MC_MAX_BACKGROUND_RUNS); try again later`)
    }
  }
}
