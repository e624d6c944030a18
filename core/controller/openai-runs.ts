// The controller's runs as the OpenAI front takes them (core/openai/
// workflow-runs.ts): each a waited run as `POST /workflows/runs` makes one
// (run-request.ts), admitted under the same limits, a task in the store, run
// in a `max_concurrent_count` slot, cancelled when its client goes before its
// output. A run that stops for a human's answer, or that a queue worker took,
// has no OpenAI answer: it is cancelled and the request fails saying so.

import { HttpError } from '../errors.ts'
import { callerOf } from '../http/api-key.ts'
import type { WorkflowModel } from '../model/compose-model.ts'
import type { StartedRun, WorkflowRuns } from '../openai/workflow-runs.ts'
import { RecordedElsewhere } from '../tasks/recorded-elsewhere.ts'
import type { RunHandlerOptions } from './run-request.ts'
import { admittedRun } from './admitted-run.ts'

const CLIENT_GONE = 'cancelled: the client went away'

export function openAiRuns(options: RunHandlerOptions): WorkflowRuns {
  return {
    start: (workflow, input, request) => startRun(workflow, input, request.signal, { ...options, caller: callerOf(request) }),
    keepAliveMs: options.keepAliveMs,
    outputBytes: options.taskOutputBytes,
  }
}

async function startRun(workflow: WorkflowModel, input: unknown, clientSignal: AbortSignal, options: RunHandlerOptions): Promise<StartedRun> {
  // As handleRun (run-request.ts): the key's concurrent runs, then mc's, 503/429 at once when full.
  const run = await admittedRun(workflow, false, options)
  const onClientGone = () => run.cancel(CLIENT_GONE)
  clientSignal.addEventListener('abort', onClientGone, { once: true })
  let output: unknown
  try {
    const started = run.start(input)
    const first = await Promise.race([started.then((value) => ({ value })), run.interrupted().then((point) => ({ point }))])
    if ('point' in first) {
      const error = new HttpError(409, `workflow "${workflow.id}" waits for a human's answer (job "${first.point.job_id}"): run it through POST /workflows/runs`)
      run.cancel(error.message)
      throw error
    }
    output = first.value
    if (output instanceof RecordedElsewhere) {
      await options.store.requestCancel(run.id)
      throw new HttpError(501, `workflow "${workflow.id}" runs on a queue worker: the OpenAI front serves this process's own workflows`)
    }
  } catch (thrown) {
    await run.fail(thrown)
    // Cancelled (the client went, POST /tasks/{id}/cancel): whatever the aborted run threw, that is what happened.
    throw run.cancelled === undefined || thrown instanceof HttpError ? thrown : new Error(run.cancelled)
  } finally {
    clientSignal.removeEventListener('abort', onClientGone)
  }
  return {
    id: run.id,
    output,
    complete: () => run.complete(output),
    stream: (chunks, format) => run.stream(chunks, format),
    cancel: (reason) => run.cancel(reason),
  }
}
