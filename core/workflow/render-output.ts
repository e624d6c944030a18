// Applies an output template to values that may be streams:
//   - a template reading `x[]` is rendered once per chunk of stream `x`, and
//     chunks rendering to null are dropped;
//   - a template that is exactly one reference to a stream (`${output as text}`)
//     passes the stream on, converting each chunk;
//   - any other template reading a stream gets it drained first.

import { converterOf } from '../binding/convert.ts'
import { chunkSlot, lookup, type Scope } from '../binding/evaluate.ts'
import type { Template } from '../binding/template.ts'
import { drain } from '../stream/drain.ts'
import { mapDefined } from '../stream/map-defined.ts'
import { isStream } from '../stream/stream.ts'

export async function renderOutput(template: Template, scope: Scope): Promise<unknown> {
  const [chunkKey] = template.chunkKeys
  if (chunkKey !== undefined) {
    const source = scope[chunkKey]
    const slot = chunkSlot(chunkKey)
    if (!isStream(source)) return template.render({ ...scope, [slot]: source })
    // One scope object per stream; only its chunk slot changes from chunk to chunk.
    const chunkScope: Scope = Object.create(scope)
    // What the template makes of a message is a piece of the output (`${response[].choices[0].delta.content}`).
    return mapDefined(
      source,
      (chunk) => {
        chunkScope[slot] = chunk
        return template.render(chunkScope)
      },
      'pieces',
    )
  }
  const whole = template.whole?.binding
  if (whole?.expr.kind === 'ref') {
    const value = lookup(scope, whole.expr)
    if (isStream(value)) {
      const { subtype, format } = whole
      // `as audio[]` over a stream: each chunk is one item.
      const type = whole.type?.endsWith('[]') ? whole.type.slice(0, -2) : whole.type
      return type ? mapDefined(value, converterOf(type, subtype, format)) : value
    }
  }
  return template.render(await drainReadStreams(template, scope))
}

/** A copy of the scope in which every stream the template reads is drained. */
async function drainReadStreams(template: Template, scope: Scope): Promise<Scope> {
  let out = scope
  for (const ref of template.refs) {
    if (ref.chunk) continue
    if (ref.key === 'jobs' && typeof ref.path[0] === 'string') {
      const jobs = out.jobs as Record<string, { output?: unknown }> | undefined
      const job = jobs?.[ref.path[0]]
      if (job && isStream(job.output)) out = { ...out, jobs: { ...jobs, [ref.path[0]]: { ...job, output: await drain(job.output) } } }
    } else if (isStream(out[ref.key])) out = { ...out, [ref.key]: await drain(out[ref.key] as AsyncIterable<unknown>) }
  }
  return out
}
