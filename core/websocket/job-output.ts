// A job's output as a `job_event` carries it (model-compose sends every
// JSON-serializable output whole). mc bounds it: an output whose JSON would
// pass MC_WS_JOB_OUTPUT_BYTES is left out, and so is a stream (model-compose
// too sends none for a streamed job). The size is estimated by a walk that
// stops at the bound, so a huge output costs no more than the bound to judge.

import { isStream } from '../stream/stream.ts'

/** Items (values and keys) walked at most: a deep or cyclic value is judged too big after as many. */
const MAX_ITEMS = 100_000

export type JobOutput = { output: unknown } | { omitted: string }

export function jobOutput(value: unknown, maxBytes: number): JobOutput {
  if (value === undefined) return { output: null }
  if (isStream(value)) return { omitted: 'a stream (its chunks go to whoever reads the workflow output)' }
  if (!fitsIn(value, maxBytes)) return { omitted: `larger than ${maxBytes} bytes as JSON (MC_WS_JOB_OUTPUT_BYTES)` }
  return { output: value }
}

/** Whether `value`'s JSON (bytes as base64) stays within `maxBytes`, roughly: strings count their UTF-16 length plus quotes. */
function fitsIn(value: unknown, maxBytes: number): boolean {
  let budget = maxBytes
  let items = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    if (++items > MAX_ITEMS) return false
    const item = stack.pop()
    if (typeof item === 'string') budget -= item.length + 2
    else if (item instanceof Uint8Array) budget -= Math.ceil(item.byteLength / 3) * 4 + 2
    else if (item !== null && typeof item === 'object') {
      // Brackets and commas; what it holds is walked next (each item costs a byte at least: the stack stays within the bound).
      const entries: unknown[] = Array.isArray(item) ? item : Object.entries(item).flat()
      budget -= 2 + entries.length
      if (budget < 0) return false
      for (const entry of entries) stack.push(entry)
    } else budget -= 8
    if (budget < 0) return false
  }
  return true
}
