// The `if` job: compares its input with each condition's value in order; the
// first condition that names a job for its outcome (`if_true` / `if_false`)
// routes there, else `otherwise`. The input stands at job level (0.4.92) or
// in each condition (0.4.10); a lone condition may be written at job level.

import { Type } from '@sinclair/typebox'
import type { Template } from '../../binding/template.ts'
import { Id } from '../../model/ids.ts'
import { renderOutput } from '../render-output.ts'
import { type Doc, type Path } from '../../model/doc.ts'
import { directRoute, routeTo, type JobType } from '../../model/job-contract.ts'
import { checkPattern, compare, ComparisonError, OperatorSchema, type Operator } from '../../binding/operators.ts'
import { gatherIntoList } from './shorthand.ts'

const ConditionSchema = Type.Object(
  {
    operator: Type.Optional(OperatorSchema),
    input: Type.Optional(Type.Unknown()),
    value: Type.Optional(Type.Unknown()),
    if_true: Type.Optional(Id),
    if_false: Type.Optional(Id),
  },
  { additionalProperties: false },
)

interface Condition {
  operator: Operator
  input?: Template
  value: Template
  ifTrue?: string
  ifFalse?: string
}

export const ifJob: JobType = {
  names: ['if'],
  schema: Type.Object({
    input: Type.Optional(Type.Unknown()),
    conditions: Type.Optional(Type.Array(ConditionSchema)),
    otherwise: Type.Optional(Id),
  }),
  expand: (raw) => gatherIntoList(raw, 'conditions', ['operator', 'value', 'if_true', 'if_false']),
  build(raw, context) {
    const id = raw.id as string
    const input = raw.input === undefined ? undefined : context.compile(raw.input, ['input'])
    const rawConditions = (raw.conditions ?? []) as Doc[]
    const conditions: Condition[] = rawConditions.map((c, i) => {
      const at: Path = ['conditions', i]
      const operator = (c.operator as Operator | undefined) ?? 'eq'
      if (operator === 'match') checkPattern(c.value, (message) => context.fail(message, [...at, 'value']))
      return {
        operator,
        ...(c.input !== undefined ? { input: context.compile(c.input, [...at, 'input']) } : {}),
        value: context.compile(c.value ?? null, [...at, 'value']),
        ...(c.if_true !== undefined ? { ifTrue: c.if_true as string } : {}),
        ...(c.if_false !== undefined ? { ifFalse: c.if_false as string } : {}),
      }
    })
    const otherwise = raw.otherwise as string | undefined
    const templates = [...(input ? [input] : []), ...conditions.flatMap((c) => [...(c.input ? [c.input] : []), c.value])]
    return {
      templates,
      routes: [
        ...rawConditions.flatMap((c, i) =>
          (['if_true', 'if_false'] as const).filter((key) => c[key] !== undefined).map((key) => ({ id: c[key] as string, at: ['conditions', i, key] })),
        ),
        ...(otherwise !== undefined ? [{ id: otherwise, at: ['otherwise'] }] : []),
      ],
      inputRoute: directRoute(templates),
      async run({ scope }) {
        const jobInput = input ? await renderOutput(input, scope) : null
        for (const [i, condition] of conditions.entries()) {
          const subject = condition.input ? await renderOutput(condition.input, scope) : jobInput
          const value = await renderOutput(condition.value, scope)
          let holds: boolean
          try {
            holds = compare(condition.operator, subject, value)
          } catch (error) {
            if (error instanceof ComparisonError) throw new ComparisonError(`job "${id}", conditions[${i}]: ${error.message}`)
            throw error
          }
          const target = holds ? condition.ifTrue : condition.ifFalse
          if (target !== undefined) return routeTo(target)
        }
        return routeTo(otherwise ?? null)
      },
    }
  },
}
