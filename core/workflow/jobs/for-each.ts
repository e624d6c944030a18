// The `for-each` job: runs `do` (a component's action) once per item of its
// input (a list, or a stream's chunks), `batch_size` items at a time, each
// run's input reading the item as `${item}` (and its position as `${index}`);
// the item itself when `do.input` is not given. It gives the list of results,
// or, for a stream input or `streaming: true`, a stream of them as they come.
// A single value that is no list runs once and gives that one result.

import { Type } from '@sinclair/typebox'
import { truthy, type Scope } from '../../binding/evaluate.ts'
import type { Template } from '../../binding/template.ts'
import type { ActionModel } from '../../model/compose-model.ts'
import { Id } from '../../model/ids.ts'
import { settle } from '../../stream/drain.ts'
import { isStream, type Stream } from '../../stream/stream.ts'
import { renderOutput } from '../render-output.ts'
import { componentInputRoute } from './component.ts'
import { type Doc } from '../../model/doc.ts'
import { directRoute, output, type ComponentRunner, type JobType } from '../../model/job-contract.ts'
import { batches, batchSize, isCollection } from './items.ts'
import { streamTakenFrom } from './stream-input.ts'

const Flag = Type.Union([Type.Boolean(), Type.String({ pattern: '\\$\\{' })], { errorMessage: 'expected true or false' })

interface Step {
  runtime: ComponentRunner
  action: ActionModel
  input?: Template
  output?: Template
  signal: AbortSignal
  background: boolean
}

export const forEachJob: JobType = {
  names: ['for-each'],
  schema: Type.Object({
    input: Type.Unknown(),
    batch_size: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '\\$\\{' })], { errorMessage: 'expected a whole number, 1 or more' })),
    streaming: Type.Optional(Flag),
    do: Type.Object(
      { component: Type.Optional(Id), action: Type.Optional(Id), input: Type.Optional(Type.Unknown()), output: Type.Optional(Type.Unknown()) },
      { additionalProperties: false },
    ),
    output: Type.Optional(Type.Unknown()),
  }),
  build(raw, context) {
    const step = raw.do as Doc
    const { component, action } = context.resolveAction(step, ['do'])
    const input = context.compile(raw.input, ['input'])
    const stepInput = step.input === undefined ? undefined : context.compile(step.input, ['do', 'input'])
    const stepOutput = step.output === undefined ? undefined : context.compile(step.output, ['do', 'output'])
    const size = context.compile(raw.batch_size ?? 1, ['batch_size'])
    const streaming = context.compile(raw.streaming ?? false, ['streaming'])
    const shape = context.compile(raw.output ?? '${output}', ['output'])
    const templates = [input, ...(stepInput ? [stepInput] : []), ...(stepOutput ? [stepOutput] : []), size, streaming, shape]
    const route = stepInput ? componentInputRoute(stepInput, step.input, action) : directRoute([])
    const takes = streamTakenFrom(input)
    return {
      templates,
      routes: [],
      inputRoute: { ...route, direct: [input, size, streaming, shape, ...route.direct] },
      ...(takes ? { takesStreamOf: takes } : {}),
      async run({ scope, components, signal, background }) {
        const source = await renderOutput(input, scope)
        const run: Step = { runtime: components.get(component.id)!, action, signal, background, ...(stepInput ? { input: stepInput } : {}), ...(stepOutput ? { output: stepOutput } : {}) }
        let results: unknown
        if (!isCollection(source)) results = await runItem(run, scope, source, 0)
        else {
          const count = batchSize(size.render(scope))
          results = isStream(source) || truthy(streaming.render(scope)) ? resultStream(run, scope, source, count) : await resultList(run, scope, source, count)
        }
        return output(await renderOutput(shape, { ...scope, output: results }))
      },
    }
  },
}

async function runItem(step: Step, scope: Scope, item: unknown, index: number): Promise<unknown> {
  const itemScope = { ...scope, item, index }
  const input = step.input ? await renderOutput(step.input, itemScope) : item
  const result = await step.runtime.run(step.action, input, step.signal, step.background)
  return settle(step.output ? await renderOutput(step.output, { ...itemScope, output: result }) : result)
}

const runBatch = (step: Step, scope: Scope, batch: { item: unknown; index: number }[]) =>
  Promise.all(batch.map(({ item, index }) => runItem(step, scope, item, index)))

async function resultList(step: Step, scope: Scope, source: unknown[] | Stream, size: number): Promise<unknown[]> {
  const results: unknown[] = []
  for await (const batch of batches(source, size)) results.push(...(await runBatch(step, scope, batch)))
  return results
}

async function* resultStream(step: Step, scope: Scope, source: unknown[] | Stream, size: number): AsyncGenerator<unknown> {
  for await (const batch of batches(source, size)) yield* await runBatch(step, scope, batch)
}
