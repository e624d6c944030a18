// One MCP tool call: its workflow run as a task of this controller, exactly as
// a waited HTTP run is (run-request.ts) — admitted under MC_MAX_RUNS, in a
// `max_concurrent_count` slot, recorded in the task store, cancellable by id.
// The call's signal (the client's `notifications/cancelled`, its session
// closing, its HTTP request going away) cancels the run. A streamed output
// goes out chunk by chunk as progress notifications (when the client sent a
// progressToken); the result is then the whole output, within
// MC_TASK_OUTPUT_BYTES. Whatever fails is a tool error (`isError`), its text
// the message the HTTP API would have answered. A run that stops at an
// interrupt point answers its status (tool-results.ts) and goes on, once
// resumed (resume-tool.ts), without its caller — as a waited HTTP run does.

import type { CallToolResult, ServerNotification } from '@modelcontextprotocol/sdk/types.js'
import type { RunAdmission } from '../controller/run-admission.ts'
import { runInBackground } from '../controller/run-request.ts'
import { TaskRun, type TaskRunContext } from '../controller/task-run.ts'
import type { WorkflowModel } from '../model/compose-model.ts'
import { collectedOutput } from '../stream/collected-output.ts'
import { isStream, type Stream } from '../stream/stream.ts'
import { followTask } from '../tasks/follow.ts'
import { RecordedElsewhere } from '../tasks/recorded-elsewhere.ts'
import type { TaskEvent } from '../tasks/store/task-store.ts'
import { contentOfOutput } from './content-of-output.ts'
import { interruptedResult, toolError } from './tool-results.ts'

export interface ToolCallContext extends TaskRunContext {
  admission: RunAdmission
  /** Bytes of a streamed output kept for the result (MC_TASK_OUTPUT_BYTES). */
  taskOutputBytes: number
}

export interface CallChannel {
  signal: AbortSignal
  progressToken?: string | number
  sendNotification(notification: ServerNotification): Promise<void>
}

const CALL_CANCELLED = 'cancelled: the MCP client cancelled the call or went away'

export async function callWorkflowTool(workflow: WorkflowModel, input: unknown, channel: CallChannel, context: ToolCallContext): Promise<CallToolResult> {
  let leave: () => void
  let run: TaskRun
  try {
    leave = context.admission.admit(false)
  } catch (error) {
    return toolError(error)
  }
  try {
    run = await TaskRun.create(workflow, false, context)
  } catch (error) {
    leave()
    return toolError(error)
  }
  void run.settled.finally(leave)
  const cancel = () => run.cancel(CALL_CANCELLED)
  if (channel.signal.aborted) cancel()
  else channel.signal.addEventListener('abort', cancel, { once: true })
  try {
    let output: unknown
    try {
      const started = run.start(input)
      const first = await Promise.race([started.then((value) => ({ value })), run.interrupted().then((point) => ({ point }))])
      if ('point' in first) {
        void runInBackground(run, started, context)
        return interruptedResult(run.id, first.point)
      }
      output = first.value
    } catch (thrown) {
      await run.fail(thrown)
      return toolError(run.cancelled ?? thrown)
    }
    if (output instanceof RecordedElsewhere) return await followedElsewhere(run, channel, context)
    if (isStream(output)) return await streamed(run, output, channel, context)
    await run.complete(output)
    return { content: contentOfOutput(output, workflow.outputSchema, run.id) }
  } finally {
    channel.signal.removeEventListener('abort', cancel)
  }
}

/** The stream read here: each event a progress notification, the collected output the result. */
async function streamed(run: TaskRun, output: Stream, channel: CallChannel, context: ToolCallContext): Promise<CallToolResult> {
  const collected = collectedOutput(output, context.taskOutputBytes)
  const live = await run.stream(output, run.workflow.streamFormat ?? 'sse-text', collected)
  const failure = await relayEvents({ next: () => live.next() }, channel)
  if (failure !== undefined) return toolError(failure)
  const value = collected.value()
  const content = contentOfOutput(value, undefined, run.id)
  if (collected.truncated) content.push({ type: 'text', text: `(the output goes on: only its first ${context.taskOutputBytes} bytes are kept, MC_TASK_OUTPUT_BYTES)` })
  return { content }
}

/**
 * A run a queue worker claimed and records in the shared store: followed from
 * there (events as progress), its stored outcome the result.
 */
async function followedElsewhere(run: TaskRun, channel: CallChannel, context: ToolCallContext): Promise<CallToolResult> {
  run.handOver()
  const gone = () => void context.store.requestCancel(run.id).catch(() => {})
  channel.signal.addEventListener('abort', gone, { once: true })
  try {
    const events = await followTask(context.store, run.id, 0, channel.signal)
    const iterator = events?.[Symbol.asyncIterator]()
    const task = await context.store.get(run.id)
    let text = ''
    const keep = (data: string) => (text = (text + data).slice(0, context.taskOutputBytes))
    const failure = iterator && task?.streamed ? await relayEvents({ next: async () => (await iterator.next()).value }, channel, keep) : undefined
    const done = await context.store.get(run.id)
    if (failure !== undefined || done?.status !== 'completed') return toolError(failure ?? done?.error ?? 'the run did not finish')
    // A streamed run's events are its output.
    if (done.streamed) return { content: contentOfOutput(done.output ?? text, undefined, run.id) }
    return { content: contentOfOutput(done.output, run.workflow.outputSchema, run.id) }
  } finally {
    channel.signal.removeEventListener('abort', gone)
  }
}

/** Sends each event as a progress notification; the failure an `error` event tells, if one does. */
async function relayEvents(events: { next(): Promise<TaskEvent | undefined> }, channel: CallChannel, onData?: (data: string) => void): Promise<string | undefined> {
  let count = 0
  let failure: string | undefined
  for (let event = await events.next(); event; event = await events.next()) {
    if (event.event === 'error') {
      failure = detailOf(event.data)
      continue
    }
    count++
    onData?.(event.data)
    if (channel.progressToken === undefined) continue
    await channel
      .sendNotification({ method: 'notifications/progress', params: { progressToken: channel.progressToken, progress: count, message: event.data } })
      .catch(() => {}) // a client gone mid-stream: the run is cancelled through its signal
  }
  return failure
}

function detailOf(data: string): string {
  try {
    const parsed = JSON.parse(data) as { detail?: unknown }
    return typeof parsed.detail === 'string' ? parsed.detail : data
  } catch {
    return data
  }
}
