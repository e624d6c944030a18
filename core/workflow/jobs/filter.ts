// The `filter` job: keeps the items of its input (a list, or a stream's
// chunks) that match `where` (all of them without one). A stream input, or
// `streaming: true`, gives a stream of the kept items as they come; a single
// value is kept, or fails the job when it does not match (0.4.92 raises there:
// `on_error` gives a fallback, a list gives []). Without `input` (0.4.10's
// filter) it only renders its `output`.

import { Type } from '@sinclair/typebox'
import { truthy, type Scope } from '../../binding/evaluate.ts'
import { isStream } from '../../stream/stream.ts'
import { renderOutput } from '../render-output.ts'
import { type Doc } from '../../model/doc.ts'
import { directRoute, output, type JobType } from '../../model/job-contract.ts'
import { isCollection } from './items.ts'
import { streamTakenFrom } from './stream-input.ts'
import { buildWhere, WhereSchema, type Where } from './where.ts'

export const filterJob: JobType = {
  names: ['filter'],
  schema: Type.Object({
    input: Type.Optional(Type.Unknown()),
    where: Type.Optional(WhereSchema),
    streaming: Type.Optional(Type.Union([Type.Boolean(), Type.String({ pattern: '\\$\\{' })], { errorMessage: 'expected true or false' })),
    output: Type.Optional(Type.Unknown()),
  }),
  build(raw, context) {
    const input = raw.input === undefined ? undefined : context.compile(raw.input, ['input'])
    const where = raw.where === undefined ? undefined : buildWhere(raw.where as Doc, ['where'], context)
    const streaming = context.compile(raw.streaming ?? false, ['streaming'])
    const shape = context.compile(raw.output ?? '${output}', ['output'])
    const templates = [...(input ? [input] : []), ...(where?.templates ?? []), streaming, shape]
    const takes = input && streamTakenFrom(input)
    return {
      templates,
      routes: [],
      // Leaves read `${item}`; the workflow input they read is theirs too.
      inputRoute: directRoute(templates),
      ...(takes ? { takesStreamOf: takes } : {}),
      async run({ scope }) {
        const source = input ? await renderOutput(input, scope) : null
        let kept: unknown = source
        if (isCollection(source)) {
          if (isStream(source) || truthy(streaming.render(scope))) kept = keepStream(source, where, scope)
          else if (where) kept = await keepList(source, where, scope)
        } else if (where && input && !(await where.test({ ...scope, item: source, index: 0 }))) {
          throw new Error('filter: its input is a single value, not a list, and it does not match "where" (give a list to get [] when nothing matches)')
        }
        return output(await renderOutput(shape, { ...scope, output: kept }))
      },
    }
  },
}

async function keepList(source: unknown[] | AsyncIterable<unknown>, where: Where, scope: Scope): Promise<unknown[]> {
  const kept: unknown[] = []
  for await (const item of keepStream(source, where, scope)) kept.push(item)
  return kept
}

async function* keepStream(source: unknown[] | AsyncIterable<unknown>, where: Where | undefined, scope: Scope): AsyncGenerator<unknown> {
  let index = 0
  for await (const item of source) if (!where || (await where.test({ ...scope, item, index: index++ }))) yield item
}
