// The `component` job (model-compose 0.4.92; `action` in 0.4.10; a job with
// no `type` in mc files): runs one action of a component with the job's
// input. `repeat_count` runs it that many times at once and gives the list
// of outputs (each read whole: a list of streams is no answer).

import { Type } from '@sinclair/typebox'
import { ConversionError } from '../../errors.ts'
import type { Template } from '../../binding/template.ts'
import type { ActionModel } from '../../model/compose-model.ts'
import { Id } from '../../model/ids.ts'
import { settle } from '../../stream/drain.ts'
import { renderOutput } from '../render-output.ts'
import { currentSpan } from '../../observe/current-span.ts'
import { notePayload } from '../../trace/payloads.ts'
import type { InputRoute } from '../../model/io-schema.ts'
import { type Doc } from '../../model/doc.ts'
import { output, type JobType } from '../../model/job-contract.ts'
import { streamPassedOn } from './stream-input.ts'

/** A `repeat_count` given by a binding is held to this, so one request cannot start a million runs. */
const MAX_REPEAT_COUNT = 1000

export const componentJob: JobType = {
  names: ['component', 'action'],
  schema: Type.Object({
    component: Type.Optional(Id),
    action: Type.Optional(Id),
    input: Type.Optional(Type.Unknown()),
    output: Type.Optional(Type.Unknown()),
    repeat_count: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '\\$\\{' })], {
        errorMessage: 'expected a whole number, 1 or more (or a binding giving one)',
      }),
    ),
  }),
  build(raw, context) {
    const { component, action } = context.resolveAction(raw, [])
    const input = context.compile(raw.input ?? '${input}', ['input'])
    const shape = context.compile(raw.output ?? '${output}', ['output'])
    const repeat = raw.repeat_count === undefined ? undefined : context.compile(raw.repeat_count, ['repeat_count'])
    // A component that reads streams as they come takes an earlier job's streamed output (one run only: a stream is read once).
    const takes = component.plugin.readsStreams && !repeat ? streamPassedOn(raw.input) : undefined
    return {
      ...(takes ? { takesStreamOf: takes } : {}),
      templates: [input, shape, ...(repeat ? [repeat] : [])],
      routes: [],
      inputRoute: componentInputRoute(input, raw.input, action),
      pausesPerRun: true,
      async run({ scope, components, signal, background, pause }) {
        // The stream it takes stays a stream within the input, where renderOutput would drain it.
        const jobInput = takes ? input.render(scope) : await renderOutput(input, scope)
        notePayload(currentSpan(), 'input', jobInput)
        const count = repeat ? repeatCount(repeat.render(scope)) : 1
        if (count > 1) currentSpan()?.set('job.run_count', count)
        const runtime = components.get(component.id)!
        // Each run may pause before and after (interrupt); parallel runs are told apart by their index.
        const once = async (runId: string | null) => {
          const runInput = await pause('before', jobInput, { input: jobInput }, runId)
          const result = await pause('after', await runtime.run(action, runInput, signal, background), { input: runInput }, runId)
          return renderOutput(shape, { ...scope, output: result })
        }
        if (count === 1) return output(await once(null))
        return output(await Promise.all(Array.from({ length: count }, async (_, i) => settle(await once(String(i))))))
      },
    }
  },
}

function repeatCount(value: unknown): number {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new ConversionError(`repeat_count: expected a whole number, 1 or more, got ${JSON.stringify(value)}`)
  }
  if (count > MAX_REPEAT_COUNT) throw new ConversionError(`repeat_count: at most ${MAX_REPEAT_COUNT}, got ${count}`)
  return count
}

/**
 * How a job's input reaches its component, to name workflow inputs by what
 * the component reads: passed through whole (`${input}`), or key by key
 * (`key: ${input.name}`).
 */
export function componentInputRoute(input: Template, rawInput: unknown, action: ActionModel): InputRoute {
  const whole = input.whole?.binding
  const passThrough = whole?.expr.kind === 'ref' && whole.expr.key === 'input' && whole.expr.path.length === 0 && !whole.type
  const renames = new Map<string, string>()
  if (rawInput !== null && typeof rawInput === 'object' && !Array.isArray(rawInput)) {
    for (const [key, value] of Object.entries(rawInput as Doc)) {
      const name = typeof value === 'string' ? /^\$\{\s*input\.([A-Za-z0-9_\-]+)\s*\}$/.exec(value)?.[1] : undefined
      if (name) renames.set(key, name)
    }
  }
  return { direct: [input], component: [action.fields, action.output], passThrough, renames }
}
