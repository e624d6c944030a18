// The running form of a loaded compose file: one ComponentRuntime per
// component, and the entry point to run a workflow by id.

import type { ComposeModel, WorkflowModel } from './compose/model.ts'
import { DEFAULT_ID } from './compose/normalize.ts'
import { badRequest, notFound } from './errors.ts'
import type { Logger } from './log.ts'
import { ComponentRuntime } from './workflow/component-runtime.ts'
import { runWorkflow } from './workflow/engine.ts'
import { checkInput } from './workflow/schema.ts'

const MODEL_COMPOSE_LONE_WORKFLOW_ID = '__workflow__'

export class Runtime {
  readonly components = new Map<string, ComponentRuntime>()

  constructor(
    readonly model: ComposeModel,
    private readonly log: Logger,
  ) {
    for (const component of model.components.values()) {
      const context = { baseDir: model.baseDir, runWorkflow: (id: string | undefined, input: unknown, signal: AbortSignal) => this.runInner(this.workflow(id), input, signal) }
      this.components.set(component.id, new ComponentRuntime(component, model.env, log.child(component.id), context))
    }
  }

  /** Runs every component's quick pre-serve checks; the first failure is thrown. */
  async prepare(): Promise<void> {
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
    const results = await Promise.allSettled([...this.components.values()].map((c) => c.stop()))
    for (const r of results) if (r.status === 'rejected') this.log.warn(`while stopping: ${(r.reason as Error)?.message ?? r.reason}`)
  }

  /** The workflow of that id, or the default one when no id is given. */
  workflow(id?: string | null): WorkflowModel {
    const key = id ?? this.model.defaultWorkflowId
    const workflow = key === undefined ? undefined : this.findWorkflow(key)
    if (!workflow) {
      if (id == null) throw badRequest(`workflow_id is needed: there are several workflows and none is marked default (workflows: ${[...this.model.workflows.keys()].join(', ') || 'none'})`)
      throw notFound(`unknown workflow "${id}"`)
    }
    return workflow
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

  /** Checks the input against the workflow's schema (422), then runs it. The value may be a stream. */
  run(workflow: WorkflowModel, input: unknown, signal: AbortSignal): Promise<unknown> {
    checkInput(workflow.inputSchema, input)
    return this.execute(workflow, input ?? {}, signal)
  }

  private execute(workflow: WorkflowModel, input: unknown, signal: AbortSignal): Promise<unknown> {
    return runWorkflow(workflow, input, { components: this.components, env: this.model.env, signal })
  }
}
