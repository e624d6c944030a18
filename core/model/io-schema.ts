// A workflow's input and output schemas as the model holds them (derived by
// core/workflow/schema.ts), and what a job tells of how it reads the input.

import type { Template } from '../binding/template.ts'

export interface InputField {
  name: string
  type: string
  subtype?: string
  format?: string
  default?: unknown
  description?: string
  /** Only when a read says `@(required true)` (mc's mark; model-compose keeps it as an annotation): a missing input is otherwise null. */
  required: boolean
  /** The keys read inside the value (`${input.data.count as integer}` → `data` with `count`), each checked where the value is a mapping. */
  fields?: InputField[]
}

export type OutputSchema =
  | { kind: 'value'; type?: string; subtype?: string; format?: string; description?: string }
  | { kind: 'object'; fields: Record<string, OutputSchema> }

/** What a job hands its component as `${input}`, to follow input names through it. */
export interface InputRoute {
  /** Templates read with the workflow input in scope (job input, condition). */
  direct: Template[]
  /** The component's templates, which read the job input. */
  component: Template[]
  /** The job input passes the workflow input through whole (`${input}`). */
  passThrough: boolean
  /** job input key → workflow input name, where a key is exactly `${input.name}`. */
  renames: Map<string, string>
  /** The job runs only when routed to (an if/switch branch): its reads type a field after the others'. */
  optional?: boolean
}
