// A job's `interrupt` points (model-compose 0.4.92's human in the loop): before
// a run of the job (its input rendered) and after it (its output at hand), a
// point whose condition holds (or that has none) stops the run until a human
// answers through the task (POST /tasks/{id}/resume). An answer that is not
// null replaces the job's input (before) or its output (after). The answer is
// journaled (run-journal.ts): a replayed run goes past the point with it.

import { compare, ComparisonError } from '../binding/operators.ts'
import type { Scope } from '../binding/evaluate.ts'
import { textInTemplate } from '../binding/convert.ts'
import type { InterruptPhase, InterruptSpec, JobInterrupts } from '../model/job-contract.ts'
import { settle } from '../stream/drain.ts'
import { renderOutput } from './render-output.ts'
import { currentRun } from './run-scope.ts'

/** Thrown by an interrupt where no task holds the run (nothing could resume it). */
export class NoTaskToWaitIn extends Error {}

/** What `pause` gives a job (job-contract.ts JobRunContext.pause). */
export function pauser(jobId: string, interrupts: JobInterrupts | undefined, scope: Scope) {
  return async (phase: InterruptPhase, value: unknown, job: { input: unknown; output?: unknown }, runId: string | null): Promise<unknown> => {
    const spec = interrupts?.[phase]
    if (!spec) return value
    // The point shows the output: a streamed one is read whole first (and given on whole).
    const settled = phase === 'after' ? await settle(value) : value
    const values = phase === 'after' ? { input: job.input, output: settled } : { input: settled }
    const answer = await interruptAt(jobId, phase, spec, { ...scope, job: values }, runId)
    return answer === null || answer === undefined ? settled : answer
  }
}

async function interruptAt(jobId: string, phase: InterruptPhase, spec: InterruptSpec, scope: Scope, runId: string | null): Promise<unknown> {
  if (spec.condition && !holds(jobId, phase, spec.condition.operator, await renderOutput(spec.condition.input, scope), await renderOutput(spec.condition.value, scope))) return null
  const run = currentRun()
  if (!run) throw new NoTaskToWaitIn(`job "${jobId}" interrupts (${phase}) for a human's answer: run it as a task (mc up, then POST /workflows/runs) so that it can be resumed`)
  const key = `${run.path} @${phase}${runId === null ? '' : `:${runId}`}`
  const answered = run.session.journal.decision(key)
  if (answered) return answered.value
  const message = spec.message ? await settle(await renderOutput(spec.message, scope)) : null
  const metadata = spec.metadata ? await settle(await renderOutput(spec.metadata, scope)) : null
  const point = { job_id: jobId, run_id: runId, phase, message: message === null ? null : textInTemplate(message), metadata }
  const answer = await run.session.ask(point, key)
  run.session.journal.decided(key, answer)
  return answer
}

function holds(jobId: string, phase: InterruptPhase, operator: Parameters<typeof compare>[0], input: unknown, value: unknown): boolean {
  try {
    return compare(operator, input, value)
  } catch (error) {
    if (error instanceof ComparisonError) throw new ComparisonError(`job "${jobId}", interrupt.${phase}.condition: ${error.message}`)
    throw error
  }
}
