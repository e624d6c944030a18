// The environment variables a component's keys read (`${env.OPENAI_API_KEY}`),
// by name. Those bindings are resolved as the file is parsed, which tells
// each one read without a default, and where (an EnvRead); the names are kept
// here for a run-time message: a 401 from an upstream whose component reads
// an unset credential says which (core/workflow/upstream-hints.ts).

import type { Place } from './places.ts'

/** A `${env.NAME}` with no default, and the place of the value it stands in. */
export interface EnvRead {
  name: string
  place: Place
}

const reads = new WeakMap<object, readonly string[]>()

export function setEnvReads(component: object, names: readonly string[]): void {
  reads.set(component, names)
}

export function envReadsOf(component: object): readonly string[] {
  return reads.get(component) ?? []
}
