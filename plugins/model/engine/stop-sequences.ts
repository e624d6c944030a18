// `stop_sequences`: generation stops at the step whose token completes one of
// them; the text keeps it, as with model-compose's StopStringCriteria. Only a
// short tail of each sequence is decoded per step.

import type { LoadedModel } from './load.ts'

type Ids = bigint[]

/** The stopping criterion for these sequences, or none when there are none. */
export function stopSequenceCriteria({ lib, tokenizer }: LoadedModel, value: unknown): InstanceType<LoadedModel['lib']['StoppingCriteria']>[] {
  const stops = (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []).filter((s): s is string => typeof s === 'string' && s.length > 0)
  if (stops.length === 0) return []
  // Every token decodes to a character or more: this many cover the longest stop and the token completing it.
  const window = Math.max(...stops.map((s) => s.length)) + 1
  const decode = (ids: Ids) => tokenizer.decode(ids, { skip_special_tokens: true })
  const completes = (ids: Ids) => {
    const tail = decode(ids.slice(-window))
    const before = decode(ids.slice(-window, -1))
    return stops.some((stop) => tail.includes(stop) && !before.includes(stop))
  }
  class StopSequences extends lib.StoppingCriteria {
    override _call(inputIds: unknown): boolean[] {
      return (inputIds as Ids[]).map(completes)
    }
  }
  return [new StopSequences()]
}
