// TypeBox schemas of a workflow and its jobs, as they stand after normalising.

import { Type } from '@sinclair/typebox'
import { Id } from './schema.ts'

const Template = Type.Unknown()

export const JobSchema = Type.Object(
  {
    id: Id,
    component: Type.Optional(Id),
    action: Type.Optional(Id),
    input: Type.Optional(Template),
    output: Type.Optional(Template),
    depends_on: Type.Optional(Type.Array(Id, { errorMessage: 'expected a list of job ids' })),
    condition: Type.Optional(Template),
  },
  { additionalProperties: false },
)

export const WorkflowSchema = Type.Object(
  {
    id: Id,
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    default: Type.Optional(Type.Boolean()),
    input: Type.Optional(Template),
    output: Type.Optional(Template),
    jobs: Type.Array(JobSchema, { minItems: 1, errorMessage: 'expected a list of jobs' }),
  },
  { additionalProperties: false },
)

