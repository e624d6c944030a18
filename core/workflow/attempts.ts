// One run of a job, whatever its type: its body tried up to `retry` times
// (waiting between attempts, the wait growing with `backoff: exponential`),
// then `on_error` applied: route to a job, give a fallback output (which may
// read `${error.message}`), or give null. A cancelled run is never retried.

import type { Template } from '../binding/template.ts'
import type { JobModel } from '../model/compose-model.ts'
import { messageOf } from '../errors.ts'
import { settle } from '../stream/drain.ts'
import { NoTaskToWaitIn } from './interrupt.ts'
import { renderOutput } from './render-output.ts'
import { output, routeTo, type JobResult, type JobRunContext } from '../model/job-contract.ts'
import { sleep } from '../sleep.ts'
import { currentSpan } from '../observe/current-span.ts'
import { notePayload } from '../trace/payloads.ts'
import type { RetryPolicy } from '../model/job-contract.ts'

/**
 * Runs the job's body under its retry and on_error policies. With `settleOutput`
 * (a later job reads this output) a streamed output is read whole within the
 * attempt, so a stream failing halfway is retried too.
 */
export async function runAttempts(job: JobModel, context: JobRunContext, settleOutput: boolean): Promise<JobResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await job.body.run(context)
      const settled = settleOutput && result.kind === 'output' ? output(await settle(result.value)) : result
      if (settled.kind === 'output') notePayload(currentSpan(), 'output', settled.value)
      return settled
    } catch (error) {
      if (context.signal.aborted || error instanceof NoTaskToWaitIn) throw error
      if (job.retry && attempt < job.retry.attempts) {
        currentSpan()?.event('retry')
        await sleep(retryDelay(job.retry, attempt), context.signal)
        continue
      }
      if (!job.onError) throw error
      if (job.onError.to) return routeTo(job.onError.to)
      if (!job.onError.output) return output(null)
      const fallback = await renderOutput(job.onError.output, { ...context.scope, error: { message: messageOf(error) } })
      return output(settleOutput ? await settle(fallback) : fallback)
    }
  }
}

/** The wait after attempt `attempt` (1-based): base, or base × 2^(attempt − 1), capped by max_delay. */
function retryDelay(retry: RetryPolicy, attempt: number): number {
  const grown = retry.backoff === 'exponential' ? retry.delayMs * 2 ** (attempt - 1) : retry.delayMs
  return retry.maxDelayMs === undefined ? grown : Math.min(grown, retry.maxDelayMs)
}
