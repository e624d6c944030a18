// Calls `fn` once when a stream ends: with the error when it failed, with
// nothing when it finished or its consumer abandoned it. The chunks pass
// unchanged (a component's slot is given back this way when its stream ends).

import { Chain } from './chain.ts'
import type { Stream } from './stream.ts'

export function onSettled<T>(source: Stream<T>, fn: (error?: unknown) => void): AsyncIterableIterator<T> {
  return Chain.over<T>(source, { settled: fn })
}
