// The `delay` job: waits for `duration` (`mode: time-interval`, the default:
// seconds as a number, or "500ms", "30s", "5m", "1h") or until `time`
// (`mode: specific-time`, ISO 8601, read in `timezone` when it has no offset;
// a time past is no wait). It gives its `output` rendered after the wait.

import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConversionError } from '../../errors.ts'
import { isTemplate, type Template } from '../../binding/template.ts'
import { Duration, toMilliseconds } from '../../model/duration.ts'
import { renderOutput } from '../render-output.ts'
import { type Doc } from '../../model/doc.ts'
import { directRoute, output, type BuildContext, type JobType } from '../../model/job-contract.ts'
import { sleep } from '../../sleep.ts'
import { checkTimezone, instantOf } from './wall-clock.ts'

const DURATION_MESSAGE = (Duration as { errorMessage?: string }).errorMessage

export const delayJob: JobType = {
  names: ['delay'],
  schema: Type.Object({
    mode: Type.Optional(Type.Union([Type.Literal('time-interval'), Type.Literal('specific-time')], { errorMessage: 'expected "time-interval" or "specific-time"' })),
    duration: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    time: Type.Optional(Type.String()),
    timezone: Type.Optional(Type.String()),
    output: Type.Optional(Type.Unknown()),
  }),
  build(raw, context) {
    const mode = (raw.mode ?? (raw.time !== undefined ? 'specific-time' : 'time-interval')) as keyof typeof KEYS
    const { needed, refused } = KEYS[mode]
    if (raw[needed] === undefined) context.fail(`a ${mode} delay needs "${needed}"`, [])
    for (const key of refused) if (raw[key] !== undefined) context.fail(`a ${mode} delay has no "${key}"`, [key], 'key')
    checkWritten(raw, context)
    const wait = context.compile(raw[needed], [needed])
    const timezone = raw.timezone === undefined ? undefined : context.compile(raw.timezone, ['timezone'])
    const shape = context.compile(raw.output ?? null, ['output'])
    const templates = [wait, ...(timezone ? [timezone] : []), shape]
    return {
      templates,
      routes: [],
      inputRoute: directRoute(templates),
      async run({ scope, signal }) {
        const ms = mode === 'time-interval' ? durationMs(wait.render(scope)) : untilMs(wait, timezone, scope)
        await sleep(ms, signal)
        return output(await renderOutput(shape, { ...scope, output: null }))
      },
    }
  },
}

/** The keys each mode needs, and those it has no use for. */
const KEYS = {
  'time-interval': { needed: 'duration', refused: ['time', 'timezone'] },
  'specific-time': { needed: 'time', refused: ['duration'] },
} as const

/** Values written as they are (no binding) are checked when the file loads; the others when the job runs. */
function checkWritten(raw: Doc, context: BuildContext): void {
  if (raw.duration !== undefined && !isTemplate(raw.duration) && !Value.Check(Duration, raw.duration)) {
    context.fail(`${DURATION_MESSAGE}, got ${JSON.stringify(raw.duration)}`, ['duration'])
  }
  for (const [key, check] of [['time', (v: string) => instantOf(v)], ['timezone', checkTimezone]] as const) {
    const value = raw[key]
    if (typeof value !== 'string' || isTemplate(value)) continue
    try {
      check(value)
    } catch (error) {
      // The key path already names the key.
      context.fail((error as Error).message.replace(/^\w+: /, ''), [key])
    }
  }
}

function durationMs(value: unknown): number {
  if (value === null || value === undefined) return 0
  if ((typeof value === 'number' || typeof value === 'string') && Value.Check(Duration, typeof value === 'string' ? value.trim() : value)) return toMilliseconds(value)
  if (typeof value === 'string' && value.trim() !== '' && Number(value) >= 0) return Number(value) * 1000
  throw new ConversionError(`duration: ${DURATION_MESSAGE}, got ${JSON.stringify(value)}`)
}

function untilMs(time: Template, timezone: Template | undefined, scope: Record<string, unknown>): number {
  const when = time.render(scope)
  if (when === null || when === undefined) return 0
  const zone = timezone?.render(scope)
  return instantOf(String(when), zone === null || zone === undefined ? undefined : String(zone)) - Date.now()
}
