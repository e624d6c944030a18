// The `switch` job: routes to the `then` of the first case whose value equals
// its input (the workflow input when it has none), else to `otherwise`. A
// lone case may be written at job level (`value`, `then`).

import { Type } from '@sinclair/typebox'
import { Id } from '../../model/ids.ts'
import { renderOutput } from '../render-output.ts'
import { type Doc } from '../../model/doc.ts'
import { directRoute, routeTo, type JobType } from '../../model/job-contract.ts'
import { looselyEqual } from '../../binding/operators.ts'
import { gatherIntoList } from './shorthand.ts'

const CaseSchema = Type.Object({ value: Type.Unknown(), then: Id }, { additionalProperties: false })

export const switchJob: JobType = {
  names: ['switch'],
  schema: Type.Object({
    input: Type.Optional(Type.Unknown()),
    cases: Type.Optional(Type.Array(CaseSchema)),
    otherwise: Type.Optional(Id),
  }),
  expand: (raw) => gatherIntoList(raw, 'cases', ['value', 'then']),
  build(raw, context) {
    const input = context.compile(raw.input ?? '${input}', ['input'])
    const rawCases = (raw.cases ?? []) as Doc[]
    const cases = rawCases.map((c, i) => ({ value: context.compile(c.value, ['cases', i, 'value']), then: c.then as string }))
    const otherwise = raw.otherwise as string | undefined
    const templates = [input, ...cases.map((c) => c.value)]
    return {
      templates,
      routes: [
        ...cases.map((c, i) => ({ id: c.then, at: ['cases', i, 'then'] })),
        ...(otherwise !== undefined ? [{ id: otherwise, at: ['otherwise'] }] : []),
      ],
      inputRoute: directRoute(templates),
      async run({ scope }) {
        const subject = await renderOutput(input, scope)
        for (const c of cases) if (looselyEqual(subject, await renderOutput(c.value, scope))) return routeTo(c.then)
        return routeTo(otherwise ?? null)
      },
    }
  },
}
