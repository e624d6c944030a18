// Maps each chunk of a stream; chunks mapping to null or undefined are dropped
// (role-only deltas, pings, ...). The result keeps the source's framing unless
// `framing` says what the new chunks are (an output template rendered per
// chunk makes pieces of text from whole messages).

import { Chain } from './chain.ts'
import type { Framing } from './framing.ts'
import type { Stream } from './stream.ts'

export function mapDefined<T, U>(source: Stream<T>, fn: (chunk: T) => U | null | undefined, framing?: Framing): AsyncIterableIterator<U> {
  return Chain.over<U>(source, { map: fn as (chunk: unknown) => unknown }, framing)
}
