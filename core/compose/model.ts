// The typed model a compose file loads into: what the runtime and the
// controller work from. Every template in it is already compiled.

import type { Template } from '../binding/template.ts'
import type { ComponentPlugin } from '../plugin/api.ts'
import type { OnErrorPolicy, RetryPolicy } from '../workflow/jobs/attempts.ts'
import type { JobBody } from '../workflow/jobs/job-type.ts'
import type { InputField, OutputSchema } from '../workflow/schema.ts'

export interface ComposeModel {
  /** The folder of the first compose file. */
  baseDir: string
  controller: ControllerModel
  components: Map<string, ComponentModel>
  workflows: Map<string, WorkflowModel>
  /** The workflow run when a request names none. */
  defaultWorkflowId?: string
  /** The environment the file was loaded with (for `${env.*}` left to run time). */
  env: Record<string, string | undefined>
}

export interface ControllerModel {
  type: 'http-server'
  host: string
  port: number
  basePath: string
  origins: string[]
  maxConcurrentCount: number
  webui?: { driver: 'gradio' | 'static'; host: string; port: number; staticDir: string }
  /** Where tasks live (mc's `task_store:`; core/tasks/). */
  taskStore: TaskStoreConfig
}

export type TaskStoreConfig = { driver: 'sqlite'; path: string } | { driver: 'redis'; url: string; prefix: string }

export interface ComponentModel {
  id: string
  type: string
  plugin: ComponentPlugin
  settings: Record<string, unknown>
  /** 0 = unlimited. */
  maxConcurrentCount: number
  actions: Map<string, ActionModel>
}

export interface ActionModel {
  id: string
  /** The plugin's action keys, rendered per run against `input` and `env`. */
  fields: Template
  output: Template
}

export interface JobModel {
  id: string
  /** Its job type's name, as written (`component` when none was). */
  type: string
  /** A label for UIs. */
  name?: string
  /**
   * Groups of job ids, all of which must be satisfied; a group is satisfied
   * when one of its jobs is done (`depends_on: [a, [b, c]]` → [[a], [b, c]]).
   * Explicit `depends_on` plus, each as a group of one, the jobs its templates read.
   */
  dependsOn: string[][]
  /** mc's own: the job runs only when this is truthy. */
  condition?: Template
  retry?: RetryPolicy
  onError?: OnErrorPolicy
  maxRunCount: number
  /** The jobs it may route to (if, switch, random-router, on_error.to). */
  routes: string[]
  /** What its type does (core/workflow/jobs/). */
  body: JobBody
}

export interface WorkflowModel {
  id: string
  title?: string
  description?: string
  isDefault: boolean
  /** Maps the request's input to the `${input}` jobs see; absent = as given. */
  input?: Template
  output: Template
  /** In dependency order. */
  jobs: JobModel[]
  inputSchema: InputField[]
  outputSchema: OutputSchema
  /** Set when the output is declared as a stream (`;sse-text` / `;sse-json`). */
  streamFormat?: 'sse-text' | 'sse-json'
}
