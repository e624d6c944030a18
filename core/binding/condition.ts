// The conditions of a template (model-compose 0.4.92, guide §14.9-14.10): a
// `"?"` takes the first branch whose condition holds; a map's `where` keeps the
// items for which it holds (`all` / `any` / `not` combine conditions). A
// condition is `input`, an `operator` (`eq` unless given) and a `value`. A
// pattern of `match` written in the file is checked at load.

import { checkKeys, isConstant, isPlainObject, OMIT, type Compiling, type Render } from './compiling.ts'
import type { Scope } from './evaluate.ts'
// The operators themselves are the ones of `if` and `filter` jobs: one meaning for both.
import { compare, OPERATORS, regex, type Operator } from './operators.ts'

type Test = (scope: Scope) => boolean

/** `input` / `operator` / `value` of a condition, compiled; the keys were checked by the caller. */
function compileTest(entries: Record<string, unknown>, c: Compiling): Test {
  if (!Object.hasOwn(entries, 'input')) throw c.error('a condition needs "input": the value it tests')
  const operator = entries.operator ?? 'eq'
  if (!OPERATORS.includes(operator as Operator)) {
    throw c.within('operator', () => c.error(`unknown operator "${String(operator)}" (operators: ${OPERATORS.join(', ')})`))
  }
  const input = c.at('input', entries.input)
  const value = c.at('value', entries.value ?? null)
  const pattern = operator === 'match' && isConstant(value) ? value({}) : undefined
  if (typeof pattern === 'string') {
    try {
      regex(pattern)
    } catch (error) {
      throw c.within('value', () => c.error((error as Error).message))
    }
  }
  return (scope) => compare(operator as Operator, input(scope), value(scope))
}

/** `"?"`: a condition or a list of them; yields OMIT when no branch is taken. */
export function compileConditional(raw: unknown, c: Compiling): Render {
  const entries = Array.isArray(raw) ? raw : [raw]
  const branches = entries.map((entry, i) => (Array.isArray(raw) ? c.within(i, () => compileBranch(entry, c)) : compileBranch(entry, c)))
  return (scope) => {
    for (const branch of branches) {
      if (branch.test(scope)) return branch.ifTrue ? branch.ifTrue(scope) : OMIT
      // model-compose's order: a branch with `if_false` ends the search when its condition fails.
      if (branch.ifFalse) return branch.ifFalse(scope)
    }
    return OMIT
  }
}

function compileBranch(entry: unknown, c: Compiling): { test: Test; ifTrue?: Render; ifFalse?: Render } {
  if (!isPlainObject(entry)) throw c.error('a "?" condition is a mapping of input, operator, value, if_true, if_false')
  checkKeys(entry, ['input', 'operator', 'value', 'if_true', 'if_false'], 'a "?" condition', c)
  return {
    test: compileTest(entry, c),
    ...(Object.hasOwn(entry, 'if_true') ? { ifTrue: c.at('if_true', entry.if_true) } : {}),
    ...(Object.hasOwn(entry, 'if_false') ? { ifFalse: c.at('if_false', entry.if_false) } : {}),
  }
}

const GROUPS = ['all', 'any', 'not'] as const

/** A map's `where`: a condition, or `all: [...]`, `any: [...]`, `not: {...}` of them. */
export function compileWhere(raw: unknown, c: Compiling): Test {
  if (!isPlainObject(raw)) throw c.error('"where" is a condition (input, operator, value) or all / any / not of conditions')
  const group = GROUPS.find((g) => Object.hasOwn(raw, g))
  if (!group) {
    checkKeys(raw, ['input', 'operator', 'value'], '"where"', c)
    return compileTest(raw, c)
  }
  if (Object.keys(raw).length > 1) throw c.error(`"${group}" stands alone in its mapping`)
  return c.within(group, (): Test => {
    const inner = raw[group]
    if (group === 'not') {
      const test = compileWhere(inner, c)
      return (scope) => !test(scope)
    }
    if (!Array.isArray(inner)) throw c.error(`"${group}" takes a list of conditions`)
    const tests = inner.map((item, i) => c.within(i, () => compileWhere(item, c)))
    return group === 'all' ? (scope) => tests.every((test) => test(scope)) : (scope) => tests.some((test) => test(scope))
  })
}
