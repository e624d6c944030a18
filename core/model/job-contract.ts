// The shape every job type has (component, if, switch, random-router, delay,
// filter, for-each): its TypeBox schema, a build that compiles the raw job's
// templates once, and the built body's run. The engine runs bodies without
// knowing their type; the common keys (retry, on_error, ...) are attempts.ts's.

import type { TObject } from '@sinclair/typebox'
import type { Scope } from '../binding/evaluate.ts'
import type { Template } from '../binding/template.ts'
import type { Operator } from '../binding/operators.ts'
import type { ActionModel, ComponentModel } from './compose-model.ts'
import type { InputRoute } from './io-schema.ts'

import type { Doc, Path } from './doc.ts'

/** What a job needs of a running component: to run one of its actions. */
export interface ComponentRunner {
  /** A `background` run takes a free slot only when no other run waits for one. */
  run(action: ActionModel, input: unknown, signal: AbortSignal, background?: boolean): Promise<unknown>
}

/** What a job type's build gets: compiling and failing at places relative to the job. */
export interface BuildContext {
  /** Compiles a template found at `at` (relative to the job); errors name its file:line:col. */
  compile(source: unknown, at: Path): Template
  /** Throws a load error placed at `at` (relative to the job): its value, or its key. */
  fail(message: string, at: Path, which?: 'key' | 'value'): never
  /** The component and action that `raw` (the job, or a for-each's `do`, at `at`) names. */
  resolveAction(raw: Doc, at: Path): { component: ComponentModel; action: ActionModel }
}

export interface JobRunContext {
  /** `input`, `env` and `jobs` (the outputs of the jobs done so far). */
  scope: Scope
  components: ReadonlyMap<string, ComponentRunner>
  signal: AbortSignal
  /** The run is a background one: its components' slots go to waited runs first. */
  background: boolean
  /**
   * The job's `interrupt` point of that phase (core/workflow/interrupt.ts):
   * resolves with the value to go on with — the human's answer when one was
   * given, else `value` (the job's input before, its output after). `runId`
   * tells the parallel runs of one job apart (repeat_count > 1).
   */
  pause(phase: InterruptPhase, value: unknown, job: { input: unknown; output?: unknown }, runId: string | null): Promise<unknown>
}

export type InterruptPhase = 'before' | 'after'

/** One `interrupt.before` / `interrupt.after` (model-compose's JobInterruptConfig). */
export interface InterruptSpec {
  /** It fires only when `input` compares so with `value`. */
  condition?: { operator: Operator; input: Template; value: Template }
  message?: Template
  metadata?: Template
}

export type JobInterrupts = Partial<Record<InterruptPhase, InterruptSpec>>

/** A job's run gives an output, or names the job to route to (none: the run goes on without routing). */
export type JobResult = { kind: 'output'; value: unknown } | { kind: 'route'; to: string | null }

export interface JobBody {
  /** Every template rendered with the workflow's scope: the graph reads their `${jobs.X}`. */
  templates: Template[]
  /** The jobs it may route to, each with where it is written (relative to the job). */
  routes: { id: string; at: Path }[]
  /** How it reads the workflow input, for the input schema. */
  inputRoute: InputRoute
  /** Its runs call `pause` themselves (a component job, once per run); other bodies are paused around. */
  pausesPerRun?: true
  /** A job whose output stream this job reads item by item, instead of the stream drained first. */
  takesStreamOf?: string
  run(context: JobRunContext): Promise<JobResult>
}

export interface JobType {
  /** The names `type:` gives it (the first is the one messages use). */
  names: readonly string[]
  /** Its own keys; the common ones are in core/compose/build/workflow-schema.ts. */
  schema: TObject
  /** Rewrites shorthands (a lone condition at job level, ...) before the schema check. */
  expand?(raw: Doc): Doc
  build(raw: Doc, context: BuildContext): JobBody
}

/** The input route of a job that reads the workflow input only through these templates. */
export function directRoute(templates: Template[]): InputRoute {
  return { direct: templates, component: [], passThrough: false, renames: new Map() }
}

export const output = (value: unknown): JobResult => ({ kind: 'output', value })
export const routeTo = (to: string | null): JobResult => ({ kind: 'route', to })

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  delayMs: number
  backoff: 'fixed' | 'exponential'
  maxDelayMs?: number
}

/** `on_error`; `{}` is "ignore" (the job gives null). */
export interface OnErrorPolicy {
  output?: Template
  to?: string
}
