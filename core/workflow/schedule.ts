// Where each job of one workflow run stands, as model-compose's runner keeps
// it: a job that is some job's routing target (if, switch, random-router,
// on_error.to) waits to be routed to; every other job starts once each of its
// dependency groups has a job done (`[a, [b, c]]`: a, and b or c). Routing to
// a job already done runs it again with every done job that depends on it
// (a loop), each run counted against the job's max_run_count.

import type { JobModel } from '../model/compose-model.ts'

type State = 'dormant' | 'waiting' | 'running' | 'done' | 'skipped'

export class Schedule {
  private readonly states = new Map<string, State>()
  private readonly runs = new Map<string, number>()

  constructor(private readonly jobs: readonly JobModel[]) {
    const targets = new Set(jobs.flatMap((job) => job.routes))
    for (const job of jobs) this.states.set(job.id, targets.has(job.id) ? 'dormant' : 'waiting')
  }

  /** The jobs that can start now, marked running; a job past its max_run_count throws. */
  start(): JobModel[] {
    const ready = this.jobs.filter(
      (job) => this.states.get(job.id) === 'waiting' && job.dependsOn.every((group) => group.some((id) => this.states.get(id) === 'done')),
    )
    for (const job of ready) {
      const runs = (this.runs.get(job.id) ?? 0) + 1
      if (runs > job.maxRunCount) throw new Error(`job "${job.id}" reached its max_run_count (${job.maxRunCount}) and was to run again: a routing loop that does not end?`)
      this.runs.set(job.id, runs)
      this.states.set(job.id, 'running')
    }
    return ready
  }

  done(id: string): void {
    this.states.set(id, 'done')
  }

  skipped(id: string): void {
    this.states.set(id, 'skipped')
  }

  isDone(id: string): boolean {
    return this.states.get(id) === 'done'
  }

  /** Job `from` routes to `to`; returns the jobs to run again (their outputs are no more). */
  route(from: string, to: string | null): string[] {
    const target = to === null ? undefined : this.states.get(to)
    if (target === 'dormant') this.states.set(to!, 'waiting')
    if (target !== 'done' && target !== 'skipped') {
      this.done(from)
      return []
    }
    const again = this.dependentsOf(to!, from)
    for (const id of again) this.states.set(id, 'waiting')
    if (!again.includes(from)) this.done(from)
    return again
  }

  /** `root` and the finished jobs (and `from`) that depend on it, directly or not. */
  private dependentsOf(root: string, from: string): string[] {
    const found = new Set<string>()
    const finished = (id: string) => id === from || this.states.get(id) === 'done' || this.states.get(id) === 'skipped'
    const stack = [root]
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (found.has(id) || !finished(id)) continue
      found.add(id)
      for (const job of this.jobs) if (job.dependsOn.some((group) => group.includes(id))) stack.push(job.id)
    }
    return [...found]
  }
}
