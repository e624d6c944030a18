// A job that goes through its input item by item (filter, for-each) can take
// an earlier job's streamed output as it comes, instead of the engine reading
// that stream whole first: when its `input` is exactly `${jobs.X.output}`.

import type { Template } from '../../binding/template.ts'

/** The job whose output `input` is, whole and unconverted; undefined otherwise. */
export function streamTakenFrom(input: Template): string | undefined {
  const binding = input.whole?.binding
  const expr = binding?.expr
  if (!binding || expr?.kind !== 'ref' || expr.key !== 'jobs' || expr.chunk || binding.type || binding.fallback) return undefined
  const [id, key, ...rest] = expr.path
  return typeof id === 'string' && key === 'output' && rest.length === 0 ? id : undefined
}
