// A `filter` job's `where`: a leaf compares `input` with `value` by
// `operator` (eq when not given), or `all` / `any` / `not` combine others.
// Leaves read the item at hand as `${item}` (and its position as `${index}`).

import { Type, type TSchema } from '@sinclair/typebox'
import type { Scope } from '../../binding/evaluate.ts'
import type { Template } from '../../binding/template.ts'
import { renderOutput } from '../render-output.ts'
import type { Doc, Path } from '../../model/doc.ts'
import type { BuildContext } from '../../model/job-contract.ts'
import { formatKeyPath } from '../../errors.ts'
import { checkPattern, compare, ComparisonError, OperatorSchema, type Operator } from '../../binding/operators.ts'

export const WhereSchema: TSchema = Type.Recursive((This) =>
  Type.Object(
    {
      input: Type.Optional(Type.Unknown()),
      operator: Type.Optional(OperatorSchema),
      value: Type.Optional(Type.Unknown()),
      all: Type.Optional(Type.Array(This)),
      any: Type.Optional(Type.Array(This)),
      not: Type.Optional(This),
    },
    { additionalProperties: false },
  ),
)

export interface Where {
  test(scope: Scope): Promise<boolean>
  templates: Template[]
}

const COMBINATORS = ['all', 'any', 'not'] as const

export function buildWhere(node: Doc, at: Path, context: BuildContext): Where {
  const combinators = COMBINATORS.filter((key) => node[key] !== undefined)
  const leaf = node.input !== undefined || node.value !== undefined
  if (combinators.length > 1) context.fail(`use one of "all", "any" or "not" here, not ${combinators.map((c) => `"${c}"`).join(' and ')}`, [...at, combinators[1]!], 'key')
  if (combinators.length === 1 && (leaf || node.operator !== undefined)) {
    context.fail(`a condition is either a comparison (input, operator, value) or "${combinators[0]}", not both`, [...at, combinators[0]!], 'key')
  }
  if (combinators.length === 0 && !leaf) context.fail('a condition needs "input" and "value", or one of "all", "any", "not"', at)
  if (node.not !== undefined) {
    const inner = buildWhere(node.not as Doc, [...at, 'not'], context)
    return { templates: inner.templates, test: async (scope) => !(await inner.test(scope)) }
  }
  for (const key of ['all', 'any'] as const) {
    if (node[key] === undefined) continue
    const parts = (node[key] as Doc[]).map((child, i) => buildWhere(child, [...at, key, i], context))
    // all: stops at the first that fails; any: at the first that holds.
    const stopAt = key === 'any'
    const test = async (scope: Scope) => {
      for (const part of parts) if ((await part.test(scope)) === stopAt) return stopAt
      return !stopAt
    }
    return { templates: parts.flatMap((p) => p.templates), test }
  }
  const operator = (node.operator as Operator | undefined) ?? 'eq'
  if (operator === 'match') checkPattern(node.value, (message) => context.fail(message, [...at, 'value']))
  const input = context.compile(node.input ?? null, [...at, 'input'])
  const value = context.compile(node.value ?? null, [...at, 'value'])
  return {
    templates: [input, value],
    async test(scope) {
      const [a, b] = [await renderOutput(input, scope), await renderOutput(value, scope)]
      try {
        return compare(operator, a, b)
      } catch (error) {
        if (error instanceof ComparisonError) throw new ComparisonError(`${formatKeyPath(at)}: ${error.message}`)
        throw error
      }
    },
  }
}
