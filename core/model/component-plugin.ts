// The shape of a component plugin: a name, the TypeBox schemas of its
// configuration, and a `create` hook returning an instance that runs actions.
// Plugins see it through the plugin API (api.ts, `mc/plugin`).

import type { TObject } from '@sinclair/typebox'
import type { Logger } from '../log.ts'
import type { CallableTool } from './tool-schema.ts'

/** A component type: what a compose file's `type:` names. */
export interface ComponentPlugin<Settings = Record<string, unknown>, Action = Record<string, unknown>> {
  /** The component `type` it serves, e.g. "http-client". */
  type: string
  /**
   * Keys set once per component (a server's start command, ...). Rendered at
   * load time with `env` only, and handed to `create`.
   */
  settings?: TObject
  /**
   * Keys of one action (endpoint, body, ...). They may stand at component level,
   * as the defaults of every action. Their `${...}` templates are compiled at
   * load and rendered per run against `input` and `env`.
   */
  action: TObject
  /** The output template when the compose file gives none, e.g. "${response}". */
  defaultOutput: string
  /** Other keys a run gives back, readable in `output:` templates besides the default output's (e.g. ["usage"]). */
  resultKeys?: string[]
  /**
   * True when a run reads a stream in its input as it comes (a splitter of an
   * LLM's tokens): a job handing it an earlier job's streamed output as one
   * input value (`text: ${jobs.chat.output}`) then gets the stream itself,
   * not its whole text once it has ended (core/workflow/jobs/stream-input.ts).
   */
  readsStreams?: boolean
  /** How many runs of one component at once when the file does not say; 0 = unlimited. */
  defaultMaxConcurrentCount?: number
  /**
   * Extra load-time checks of the component's settings, made before its other
   * keys are looked at; throw to reject. A ConfigurationError's path is from the component.
   */
  checkSettings?(settings: Settings): void
  /**
   * Extra load-time checks of an action's literal values; throw to reject. A
   * ConfigurationError naming the key lets the message point at its line.
   */
  checkAction?(action: Action, settings: Settings): void
  /**
   * The other components and workflows of the same file the settings name
   * (an agent's tools, ...), each with its key path from the component. mc
   * resolves them once the file is built and refuses an unknown one at that
   * key's line:col (core/compose/build/references.ts); an id holding `${...}`
   * is known only at run time and is not checked.
   */
  settingReferences?(settings: Settings): Reference[]
  /**
   * The same for an action's keys (its component-level defaults merged in),
   * key paths from the action: mc places each where the key is written, in
   * the action or at component level.
   */
  actionReferences?(action: Action, settings: Settings): Reference[]
  create(settings: Settings, context: ComponentContext): ComponentInstance<Action>
}

/** A component (and its action) or a workflow of the same file that a component's keys name. */
export type Reference = WorkflowReference | ComponentReference

export interface WorkflowReference {
  kind: 'workflow'
  /** Its id (model-compose's `__workflow__` finds a lone workflow); undefined: the file's default workflow. */
  id: string | undefined
  /** The key path of the id (where it would stand when `id` is undefined). */
  path: (string | number)[]
  /** True when the run may go to a queue worker: with a `controller.queue`, a workflow the file lacks is not an error. */
  mayBeQueued?: boolean
}

export interface ComponentReference {
  kind: 'component'
  /** The component's id, as written (ComponentContext.runComponent's rule). */
  id: string
  /** Its action; undefined (or `__default__` where none has that id): its default action. */
  action?: string
  /** The key path of the id. */
  path: (string | number)[]
  /** The key path of the action, when given. */
  actionPath?: (string | number)[]
}

/** What `create` is given besides the component's settings. */
export interface ComponentContext {
  /** The component's id. */
  id: string
  log: Logger
  env: Readonly<Record<string, string | undefined>>
  /** The folder of the (first) compose file: relative paths resolve from here. */
  baseDir: string
  /**
   * Runs another workflow of the same file (what the `workflow` component
   * does): its input is checked like a request's; the value may be a stream.
   */
  runWorkflow(id: string | undefined, input: unknown, signal: AbortSignal): Promise<unknown>
  /**
   * Runs an action of another component of the same file as a job would (its
   * slots, its output template): `actionId` undefined or "__default__" is its
   * default action. An unknown component or action rejects with a ConfigurationError.
   */
  runComponent(componentId: string, actionId: string | undefined, input: unknown, signal: AbortSignal): Promise<unknown>
  /**
   * A workflow of the same file as a tool (its schema: core/workflow/tool-schema.ts),
   * private ones included; an unknown id throws a ConfigurationError at once.
   * Name the ids in settingReferences too: an unknown one is then refused at
   * load, at its line, before `create` is called.
   */
  workflowTool(id: string): CallableTool
}

/** What each run is given besides its rendered action. */
export interface RunContext {
  /** Fires when the run is cancelled (the client went away, the server stops). */
  signal: AbortSignal
  log: Logger
  /** The input the job gave the component (what its `${input}` bindings read). */
  input: unknown
}

/**
 * The values a run gives back, by binding key: `{response}` for HTTP,
 * `{result}` for models, `{stdout, stderr}` for shell. A value may be a stream
 * (an AsyncIterable of chunks), which `${response[]}` reads chunk by chunk.
 */
export type RunResult = Record<string, unknown>

/** One component of a compose file, as `create` makes it. */
export interface ComponentInstance<Action = Record<string, unknown>> {
  /**
   * Quick checks made before mc serves or runs anything (a port that must be
   * free, ...). A throw stops `mc up` / `mc run` with that error, exit non-zero.
   */
  prepare?(): Promise<void>
  /** Called once before the first run (at `mc up`, or lazily for `mc run`). */
  start?(): Promise<void>
  /** Called once when mc stops; must release every process and connection. */
  stop?(): Promise<void>
  run(action: Action, context: RunContext): Promise<RunResult>
}

/** What a plugin module may export by default. */
export type PluginModule = ComponentPlugin | ComponentPlugin[]

/** A problem with one key of a component's configuration, e.g. `['params', 'num_beams']`. */
export class ConfigurationError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super(message)
  }
}

/** A plugin as written, typed: returns it unchanged, its settings and action types checked. */
export function defineComponentPlugin<S, A>(plugin: ComponentPlugin<S, A>): ComponentPlugin<S, A> {
  return plugin
}
