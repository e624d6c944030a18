// model-compose's `runtime:` (of the controller and of each component) as mc
// reads it: the runtimes that mean "here" are dropped; `process` on a component
// that runs its work in a child process on request is kept, as a map, for its
// plugin to read; any other is refused.

import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { placeAtPath } from '../../model/places.ts'
import { isMap } from './doc.ts'
import { type Doc } from '../../model/doc.ts'

/** model-compose's runtime for the controller and components when none is named: this process. */
const NATIVE_RUNTIMES = ['native', 'embedded']
/** Components whose work runs in a child process already. */
const OUT_OF_PROCESS_COMPONENTS = ['shell', 'http-server']
/** Components that run in a child process when `runtime: process` asks (their plugin reads the map's keys). */
const PROCESS_RUNTIME_COMPONENTS = ['model']

/**
 * `runtime:` naming this process is what mc does anyway, and so is `process` for the
 * components whose work already runs in a child process (a command, a managed
 * server). A model's `process` stays, for its plugin (its settings are checked
 * there). Any other runtime mc cannot honour.
 */
export function checkRuntime(item: Doc, doc: Doc, path: (string | number)[]): void {
  if (item.runtime === undefined) return
  const runtime = isMap(item.runtime) ? item.runtime.type : item.runtime
  if (runtime === 'process' && PROCESS_RUNTIME_COMPONENTS.includes(item.type as string)) {
    if (!isMap(item.runtime)) item.runtime = { type: 'process' }
    return
  }
  const here = [...NATIVE_RUNTIMES, ...(OUT_OF_PROCESS_COMPONENTS.includes(item.type as string) ? ['process'] : [])]
  const extra = isMap(item.runtime) ? Object.keys(item.runtime).filter((k) => k !== 'type') : []
  if ((runtime === null || (typeof runtime === 'string' && here.includes(runtime))) && extra.length === 0) {
    delete item.runtime
    return
  }
  const known = here.includes(runtime as string)
  const at = isMap(item.runtime) ? [...path, 'runtime', known ? extra[0]! : 'type'] : [...path, 'runtime']
  const reason = known
    ? `"${extra[0]}" is a setting of model-compose's runtimes that mc does not have: mc runs everything in its own process and the commands it starts on this machine`
    : `runtime "${String(runtime)}" is a model-compose runtime that mc does not have: mc runs everything in its own process and the commands it starts on this machine (no containers, no virtualenvs)`
  throw new ComposeError(reason, placeAtPath(doc, at), formatKeyPath(at))
}
