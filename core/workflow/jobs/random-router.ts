// The `random-router` job: routes to one of its routings at random, each as
// likely (`mode: uniform`) or in proportion to its `weight` (`weighted`;
// routings weighing 0 or nothing are never picked). 0.4.92 names the
// destination `to`, 0.4.10 `target`. Within a task the pick is journaled
// (run-scope.ts): a replay of the run (a resume after a restart) takes the
// same routing, where model-compose, which does not replay, has no need to.

import { Type } from '@sinclair/typebox'
import { Id } from '../../model/ids.ts'
import { renderOutput } from '../render-output.ts'
import { decidedOnce } from '../run-scope.ts'
import { type Doc } from '../../model/doc.ts'
import type { Scope } from '../../binding/evaluate.ts'
import { directRoute, routeTo, type JobType } from '../../model/job-contract.ts'

const RoutingSchema = Type.Object(
  {
    to: Type.Optional(Id),
    target: Type.Optional(Id),
    weight: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '\\$\\{' })], { errorMessage: 'expected a weight: a number, 0 or more' })),
  },
  { additionalProperties: false },
)

export const randomRouterJob: JobType = {
  names: ['random-router'],
  schema: Type.Object({
    mode: Type.Optional(Type.Union([Type.Literal('uniform'), Type.Literal('weighted')], { errorMessage: 'expected "uniform" or "weighted"' })),
    routings: Type.Array(RoutingSchema, { minItems: 1, errorMessage: 'expected a list of routings ({to, weight})' }),
  }),
  build(raw, context) {
    const id = raw.id as string
    const weighted = raw.mode === 'weighted'
    const routings = (raw.routings as Doc[]).map((routing, i) => {
      const to = (routing.to ?? routing.target) as string | undefined
      if (to === undefined) return context.fail('a routing names its destination with "to"', ['routings', i])
      if (routing.to !== undefined && routing.target !== undefined) context.fail('use either "to" or "target", not both', ['routings', i, 'target'], 'key')
      return { to, key: routing.to !== undefined ? 'to' : 'target', weight: context.compile(routing.weight ?? 0, ['routings', i, 'weight']) }
    })
    /** The index of a routing picked in proportion to its weight. */
    async function weightedPick(scope: Scope): Promise<number> {
      const weights = await Promise.all(routings.map(async (r) => Number(await renderOutput(r.weight, scope))))
      const total = weights.reduce((sum, w) => (w > 0 ? sum + w : sum), 0)
      if (!(total > 0) || !Number.isFinite(total)) throw new Error(`random-router "${id}": no routing has a weight above 0 (weights: ${weights.join(', ')})`)
      let point = Math.random() * total
      for (const [i, w] of weights.entries()) {
        if (!(w > 0)) continue
        point -= w
        if (point < 0) return i
      }
      // Rounding can leave the point at the very end: the last routing with weight takes it.
      return weights.findLastIndex((w) => w > 0)
    }
    const pick = async (scope: Scope): Promise<string> => routings[weighted ? await weightedPick(scope) : Math.floor(Math.random() * routings.length)]!.to
    const isRouting = (value: unknown): value is string => routings.some((r) => r.to === value)
    return {
      templates: routings.map((r) => r.weight),
      routes: routings.map((r, i) => ({ id: r.to, at: ['routings', i, r.key] })),
      inputRoute: directRoute(routings.map((r) => r.weight)),
      async run({ scope }) {
        return routeTo(await decidedOnce('route', () => pick(scope), isRouting))
      },
    }
  },
}
