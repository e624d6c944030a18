// Reads a whole stream into one value, as collectedOutput gathers it: a
// stream feeding a later job is drained before that job runs.

import { collectedOutput } from './collected-output.ts'
import { isStream, type Stream } from './stream.ts'

export async function drain(source: Stream): Promise<unknown> {
  const collected = collectedOutput(source)
  for await (const chunk of source) collected.add(chunk)
  return collected.value()
}

/** Drains the value when it is a stream; returns other values as they are. */
export async function settle(value: unknown): Promise<unknown> {
  return isStream(value) ? drain(value) : value
}
