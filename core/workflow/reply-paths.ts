// A component's output template reading a path its reply does not have
// (`${response.mesage.content}` on `{"message": ...}`): model-compose gives
// null and says nothing. mc fails the run when a key the reply has is a
// likely typo of the missing one (did-you-mean), and otherwise warns once per
// binding and gives null as model-compose does: replies legitimately lack
// optional keys (`tool_calls`, `usage`, a last chunk's `delta.content`).
// A binding with a default (`${response.x | ...}`) says the key may be absent:
// it is not checked. Streamed chunks (`response[]`) are not checked.

import type { Scope } from '../binding/evaluate.ts'
import { missingStep } from '../binding/missing-path.ts'
import { formatBindingPlace, type CompiledBinding, type Template } from '../binding/template.ts'
import { closest, upstreamFailed } from '../errors.ts'
import type { Logger } from '../log.ts'
import { isStream } from '../stream/stream.ts'

/** How many of the reply's keys a message lists. */
const KEYS_SHOWN = 12

/** Bindings already warned about: one line each, not one per run. */
const warned = new WeakSet<CompiledBinding>()

/** Checks the paths `template` reads of the reply's keys (`response`, `result`, ...); throws on a likely typo. */
export function checkReplyPaths(template: Template, reply: Record<string, unknown>, scope: Scope, log: Logger): void {
  for (const compiled of template.bindings) {
    const { binding } = compiled
    if (binding.fallback || binding.expr.kind !== 'ref') continue
    const ref = binding.expr
    if (ref.chunk || !(ref.key in reply) || isStream(scope[ref.key])) continue
    const missing = missingStep(scope, ref)
    if (!missing) continue
    const near = closest(missing.key, missing.keys)
    const shown = missing.keys.slice(0, KEYS_SHOWN).join(', ') + (missing.keys.length > KEYS_SHOWN ? ', …' : '')
    const at = compiled.place ? ` at ${formatBindingPlace(compiled.place)}` : ''
    if (near !== undefined) {
      throw upstreamFailed(`${missing.path}: the reply has no "${missing.key}" (did you mean ${missing.parent}.${near}?; it has: ${shown})${at}`)
    }
    if (warned.has(compiled)) continue
    warned.add(compiled)
    log.warn(`${missing.path}: the reply has no "${missing.key}" (it has: ${shown || 'no keys'})${at}; the binding gives null (add "| default" if the key is optional)`)
  }
}
