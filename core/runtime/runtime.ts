// The running form of a loaded compose file: one ComponentRuntime per
// component, and the entry point to run a workflow by id. With
// `controller.queue`, a workflow the file does not have runs on a queue worker
// (as model-compose's ControllerService does): callers still call `run`. Only
// a workflow some live worker serves, or the file names (its queue's
// `workflows`, a workflow component's `workflow`), goes there: any other id
// is unknown, as without a queue.

import type { ComposeModel, WorkflowModel } from '../model/compose-model.ts'
import { DEFAULT_ID } from '../model/ids.ts'
import { badRequest, closest, type HttpError, notFound } from '../errors.ts'
import type { Logger } from '../log.ts'
import { QueueDispatcher } from '../queue/dispatch/dispatcher.ts'
import { ComponentRuntime } from '../workflow/component-runtime.ts'
import { runWorkflow } from '../workflow/engine.ts'
import { checkInput } from '../workflow/schema.ts'
import { toolSchemaOf } from '../workflow/tool-schema.ts'
import { ConfigurationError } from '../model/component-plugin.ts'
import type { CallableTool } from '../model/tool-schema.ts'
import { actionOf } from './component-action.ts'
import { currentSpan } from '../observe/current-span.ts'
import { notePayload } from '../trace/payloads.ts'

const MODEL_COMPOSE_LONE_WORKFLOW_ID = '__workflow__'

/** How the caller asks for a workflow, for the message when none is given: the API's `workflow_id`, the command line's WORKFLOW. */
export const API_WORKFLOW_FIELD = 'workflow_id'

export interface RunOptions {
  taskId?: string
  background?: boolean
}

export class Runtime {
  readonly components = new Map<string, ComponentRuntime>()
  /** Where runs of workflows this file lacks go (`controller.queue`). */
  readonly queue?: QueueDispatcher
  /** The stand-ins `workflow()` gave for workflows that run on a queue worker. */
  private readonly remote = new WeakSet<WorkflowModel>()

  constructor(
    readonly model: ComposeModel,
    private readonly log: Logger,
  ) {
    if (model.controller.queue) this.queue = new QueueDispatcher(model.controller.queue, model.env, log.child('queue'))
    for (const component of model.components.values()) {
      const context = {
        baseDir: model.baseDir,
        runWorkflow: (id: string | undefined, input: unknown, signal: AbortSignal) => this.runInner(this.innerWorkflow(id), input, signal),
        runComponent: (componentId: string, actionId: string | undefined, input: unknown, signal: AbortSignal) => this.runComponent(componentId, actionId, input, signal),
        workflowTool: (id: string): CallableTool => this.workflowTool(id),
      }
      this.components.set(component.id, new ComponentRuntime(component, model.env, log.child(component.id), context))
    }
  }

  /** Runs every component's quick pre-serve checks (the first failure is thrown), and learns which workflows the queue's workers serve. */
  async prepare(): Promise<void> {
    await this.queue?.start()
    for (const component of this.components.values()) await component.instance.prepare?.()
  }

  /**
   * Starts every component (managed servers, model loads). A component that
   * fails is logged; its runs fail with that error, the others serve on.
   */
  async start(): Promise<void> {
    const components = [...this.components.values()]
    const results = await Promise.allSettled(components.map((c) => c.start()))
    results.forEach((result, i) => {
      if (result.status === 'rejected') this.log.error(`component "${components[i]!.model.id}" did not start: ${(result.reason as Error)?.message ?? result.reason}`)
    })
  }

  async stop(): Promise<void> {
    this.queue?.close()
    const results = await Promise.allSettled([...this.components.values()].map((c) => c.stop()))
    for (const r of results) if (r.status === 'rejected') this.log.warn(`while stopping: ${(r.reason as Error)?.message ?? r.reason}`)
  }

  /**
   * The workflow of that id, or the default one when no id is given. With a
   * queue, another id that a live worker serves or the file declares names a
   * workflow of the queue's workers: a stand-in with no schema (the worker
   * checks the input).
   */
  workflow(id?: string | null, field = API_WORKFLOW_FIELD): WorkflowModel {
    const key = id ?? this.model.defaultWorkflowId
    const workflow = key === undefined ? undefined : this.findWorkflow(key)
    if (!workflow && id != null && this.queue?.serves(id)) return this.remoteWorkflow(id)
    if (!workflow) {
      if (id == null) throw badRequest(`${field} is needed: there are several workflows and none is marked default (workflows: ${this.servedIds().join(', ') || 'none'})`)
      throw this.unknownWorkflow(id)
    }
    return workflow
  }

  /** As `workflow`, for clients (the HTTP API): a private workflow is unknown to them. */
  servedWorkflow(id?: string | null): WorkflowModel {
    const workflow = this.workflow(id)
    if (workflow.isPrivate) throw this.unknownWorkflow(workflow.id)
    return workflow
  }

  /** 404 `unknown workflow "generate" (did you mean "generator"?; workflows: ...)`: only the ids clients may run. */
  unknownWorkflow(id: string): HttpError {
    const ids = this.servedIds()
    const near = closest(id, ids)
    return notFound(`unknown workflow "${id}" (${near ? `did you mean "${near}"?; ` : ''}workflows: ${ids.join(', ') || 'none'})`)
  }

  private servedIds(): string[] {
    return [...this.model.workflows.values()].filter((w) => !w.isPrivate).map((w) => w.id)
  }

  /**
   * The workflow of that id. model-compose names a lone `workflow:` `__workflow__`;
   * mc names it `__default__`: either id finds it.
   */
  findWorkflow(id: string): WorkflowModel | undefined {
    return this.model.workflows.get(id) ?? (id === MODEL_COMPOSE_LONE_WORKFLOW_ID ? this.model.workflows.get(DEFAULT_ID) : undefined)
  }

  /**
   * A run asked for by a component (`workflow`): an input of named values is
   * checked as a request's is; any other value (a text, a list) is the input itself.
   */
  private runInner(workflow: WorkflowModel, input: unknown, signal: AbortSignal): Promise<unknown> {
    if (input !== null && typeof input === 'object' && !Array.isArray(input) && !(input instanceof Uint8Array)) return this.run(workflow, input, signal)
    return this.execute(workflow, input, signal)
  }

  /**
   * Checks the input against the workflow's schema (422), then runs it. The
   * value may be a stream. `taskId` names the run to a queue worker (model-compose's
   * task_id, which its cancel message names); a fresh one when not given.
   * A `background` run waits behind the others for a component's slot.
   */
  run(workflow: WorkflowModel, input: unknown, signal: AbortSignal, options: RunOptions = {}): Promise<unknown> {
    checkInput(workflow.inputSchema, input)
    return this.execute(workflow, input ?? {}, signal, options)
  }

  private execute(workflow: WorkflowModel, input: unknown, signal: AbortSignal, { taskId, background = false }: RunOptions = {}): Promise<unknown> {
    // A tracer captures the run's input and output on its span (not a nested workflow's: that one is a component's).
    const span = currentSpan()
    const runSpan = span?.kind === 'run' && span.attributes['workflow.id'] === workflow.id ? span : undefined
    notePayload(runSpan, 'input', input)
    const output = this.queue && this.remote.has(workflow)
      ? this.queue.dispatch(workflow.id, input, signal, taskId)
      : runWorkflow(workflow, input, { components: this.components, env: this.model.env, signal, background })
    return runSpan ? output.then((value) => (notePayload(runSpan, 'output', value), value)) : output
  }

  /** The workflow a component of this file runs: one the file lacks goes to the queue, announced or not (the file names it, no client). */
  private innerWorkflow(id: string | undefined): WorkflowModel {
    if (id !== undefined && this.queue && !this.findWorkflow(id)) return this.remoteWorkflow(id)
    return this.workflow(id)
  }

  /** A plugin's run of another component's action (ComponentContext.runComponent). */
  private async runComponent(componentId: string, actionId: string | undefined, input: unknown, signal: AbortSignal): Promise<unknown> {
    const component = this.components.get(componentId)
    if (!component) throw new ConfigurationError(`unknown component "${componentId}" (components: ${[...this.components.keys()].join(', ')})`)
    return component.run(actionOf(component.model, actionId), input, signal)
  }

  /** A workflow of this file as a tool (ComponentContext.workflowTool): private ones too. */
  private workflowTool(id: string): CallableTool {
    const workflow = this.findWorkflow(id)
    if (!workflow) throw new ConfigurationError(`unknown workflow "${id}" (workflows: ${[...this.model.workflows.keys()].join(', ') || 'none'})`)
    return { schema: toolSchemaOf(workflow), run: (input, signal) => this.runInner(workflow, input, signal) }
  }

  private remoteWorkflow(id: string): WorkflowModel {
    // Only its id is read: the run goes to the queue before anything else would be.
    const workflow = { id, isDefault: false, jobs: [], inputSchema: [] } as unknown as WorkflowModel
    this.remote.add(workflow)
    return workflow
  }
}
