// A job that goes through its input item by item (filter, for-each) can take
// an earlier job's streamed output as it comes, instead of the engine reading
// that stream whole first: when its `input` is exactly `${jobs.X.output}`.
// So can a component job whose plugin `readsStreams`, handed it as one value.

import { compileTemplate, type Template } from '../../binding/template.ts'

/** The job whose output `input` is, whole and unconverted; undefined otherwise. */
export function streamTakenFrom(input: Template): string | undefined {
  const binding = input.whole?.binding
  const expr = binding?.expr
  if (!binding || expr?.kind !== 'ref' || expr.key !== 'jobs' || expr.chunk || binding.type || binding.fallback) return undefined
  const [id, key, ...rest] = expr.path
  return typeof id === 'string' && key === 'output' && rest.length === 0 ? id : undefined
}

/**
 * The job whose output a component job's input hands on once, whole and
 * unconverted, as one of its values (`text: ${jobs.X.output}`), when it reads
 * no other job's output; undefined otherwise.
 */
export function streamPassedOn(rawInput: unknown): string | undefined {
  const taken: string[] = []
  let other = false
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const template = compileTemplate(value)
      if (!template.refs.some((ref) => ref.key === 'jobs')) return
      const id = streamTakenFrom(template)
      if (id === undefined) other = true
      else taken.push(id)
    } else if (Array.isArray(value)) value.forEach(visit)
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit)
  }
  visit(rawInput)
  return !other && taken.length === 1 ? taken[0] : undefined
}
