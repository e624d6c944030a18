// TypeBox schemas of a workflow and of the keys every job has, whatever its
// type, as they stand after normalising. Each job type's own keys are in its
// file under core/workflow/jobs/.

import { Type } from '@sinclair/typebox'
import { Duration } from '../../model/duration.ts'
import { Id } from '../../model/ids.ts'
import { OperatorSchema } from '../../binding/operators.ts'

const Template = Type.Unknown()
const AtLeastOne = (what: string) => Type.Integer({ minimum: 1, errorMessage: `expected ${what}: a whole number, 1 or more` })

const RetrySchema = Type.Union(
  [
    AtLeastOne('an attempt count'),
    Type.Object(
      {
        max_attempt_count: Type.Optional(AtLeastOne('an attempt count')),
        delay: Type.Optional(Duration),
        backoff: Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('exponential')], { errorMessage: 'expected "fixed" or "exponential"' })),
        max_delay: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  ],
  { errorMessage: 'expected an attempt count, or {max_attempt_count, delay, backoff, max_delay}' },
)

const OnErrorSchema = Type.Union(
  [
    Type.String({ pattern: '^[Ii][Gg][Nn][Oo][Rr][Ee]$' }),
    Type.Object({ output: Type.Optional(Template), to: Type.Optional(Id) }, { additionalProperties: false }),
  ],
  { errorMessage: 'expected "ignore", or {output, to}' },
)

/** model-compose's `interrupt.before` / `.after`: true, or {condition, message, metadata}. */
const InterruptPointSchema = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        condition: Type.Optional(
          Type.Object({ operator: Type.Optional(OperatorSchema), input: Type.Optional(Template), value: Type.Optional(Template) }, { additionalProperties: false }),
        ),
        message: Type.Optional(Template),
        metadata: Type.Optional(Template),
      },
      { additionalProperties: false },
    ),
  ],
  { errorMessage: 'expected true, false, or {condition, message, metadata}' },
)

/** Keys every job has. Empty OR groups and unknown ids are checked with the graph (job-graph.ts). */
export const JobCommonSchema = Type.Object({
  id: Id,
  type: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  depends_on: Type.Optional(
    Type.Array(Type.Union([Id, Type.Array(Id)]), { errorMessage: 'expected a list of job ids (a nested list is an OR group)' }),
  ),
  /** mc's own: the job runs only when this is truthy. */
  condition: Type.Optional(Template),
  retry: Type.Optional(RetrySchema),
  on_error: Type.Optional(OnErrorSchema),
  interrupt: Type.Optional(Type.Object({ before: Type.Optional(InterruptPointSchema), after: Type.Optional(InterruptPointSchema) }, { additionalProperties: false })),
  max_run_count: Type.Optional(AtLeastOne('a run count')),
})

export const DEFAULT_MAX_RUN_COUNT = 25

export const WorkflowSchema = Type.Object(
  {
    id: Id,
    /** model-compose's: the workflow's name as a tool (agents, MCP); its id when not given. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    default: Type.Optional(Type.Boolean()),
    /** model-compose's: not served to clients (HTTP API, Web UI), yet runnable by components. */
    private: Type.Optional(Type.Boolean()),
    input: Type.Optional(Template),
    output: Type.Optional(Template),
    jobs: Type.Array(Type.Object({ id: Id }, { additionalProperties: true }), { errorMessage: 'expected a list of jobs' }),
  },
  { additionalProperties: false },
)
