// One running component: its plugin instance, started once, and a slot limit
// (`max_concurrent_count`). A run renders the action's templates, calls the
// plugin, and applies the action's output template. A streamed result keeps
// its slot until the stream ends or the run is cancelled.

import type { Scope } from '../binding/evaluate.ts'
import type { ActionModel, ComponentModel } from '../model/compose-model.ts'
import type { Logger } from '../log.ts'
import type { ComponentContext, ComponentInstance } from '../model/component-plugin.ts'
import { onSettled } from '../stream/on-settled.ts'
import { isStream } from '../stream/stream.ts'
import { renderOutput } from './render-output.ts'
import { currentRun, inStep } from './run-scope.ts'
import { Semaphore } from './semaphore.ts'
import { failureStatus, inSpan, startSpan } from '../observe/current-span.ts'
import { notePayload } from '../trace/payloads.ts'
import { noteWhere } from '../errors.ts'
import { DEFAULT_ID } from '../model/ids.ts'
import { checkReplyPaths } from './reply-paths.ts'
import { addUpstreamHint } from './upstream-hints.ts'

export class ComponentRuntime {
  readonly instance: ComponentInstance
  private readonly slots: Semaphore
  private starting?: Promise<void>

  constructor(
    readonly model: ComponentModel,
    private readonly env: Record<string, string | undefined>,
    private readonly log: Logger,
    context: Omit<ComponentContext, 'id' | 'log' | 'env'>,
  ) {
    this.instance = model.plugin.create(model.settings, { id: model.id, log, env, ...context })
    this.slots = new Semaphore(model.maxConcurrentCount)
  }

  /** Starts the instance once; later calls wait for the same start. */
  start(): Promise<void> {
    this.starting ??= this.instance.start?.() ?? Promise.resolve()
    return this.starting
  }

  async stop(): Promise<void> {
    await this.instance.stop?.()
  }

  /**
   * A `background` run takes a free slot only when no other run waits for one.
   * Within a task, the run is a step of its call path (run-scope.ts): a result
   * journaled there in an earlier life of the run is given without running.
   */
  run(action: ActionModel, input: unknown, signal: AbortSignal, background = false): Promise<unknown> {
    return inStep(this.model.id, async (path) => {
      const journal = path === undefined ? undefined : currentRun()?.session.journal
      const replayed = journal?.replay(path!, input)
      if (replayed) return replayed.value
      const output = await this.runNow(action, input, signal, background)
      if (!isStream(output)) journal?.record(path!, input, output)
      return output
    })
  }

  private async runNow(action: ActionModel, input: unknown, signal: AbortSignal, background: boolean): Promise<unknown> {
    await this.start()
    const scope: Scope = { input, env: this.env }
    const fields = action.fields.render(scope) as Record<string, unknown>
    const release = await this.slots.acquire(signal, background)
    signal.addEventListener('abort', release, { once: true })
    // Its span lasts as long as its slot: to the end of a streamed result.
    const span = startSpan('component', this.model.id, { 'component.id': this.model.id, 'component.type': this.model.type })
    notePayload(span, 'input', fields)
    try {
      const result = await inSpan(span, () => this.instance.run(fields, { signal, log: this.log, input }))
      const replyScope = { ...scope, ...result }
      checkReplyPaths(action.output, result, replyScope, this.log)
      const output = await renderOutput(action.output, replyScope)
      if (isStream(output)) {
        return onSettled(output, (error) => {
          release()
          span.end(error === undefined && !signal.aborted ? 'ok' : failureStatus(signal), error)
          // Called before the error goes on to the stream's reader (an SSE error event): it says where too.
          if (error !== undefined) this.explain(error, action, fields, signal)
        })
      }
      release()
      notePayload(span, 'output', output)
      span.end('ok')
      return output
    } catch (error) {
      release()
      span.end(failureStatus(signal), error)
      this.explain(error, action, fields, signal)
      throw error
    }
  }

  /** Adds to a failure's message what it says of the upstream and the component's id (not a cancellation's). */
  private explain(error: unknown, action: ActionModel, fields: Record<string, unknown>, signal: AbortSignal): void {
    if (signal.aborted) return
    addUpstreamHint(error, { component: this.model, action, fields, env: this.env })
    // A lone `component:` has an id mc gave it: naming it would tell nothing.
    if (this.model.id !== DEFAULT_ID) noteWhere(error, { component: this.model.id })
  }
}
