// Pass 3b: the controller. model-compose 0.4.92 puts the server under
// `controller.adapter` (or a list, `adapters`); mc serves one http-server,
// so its keys move up to `controller`, where 0.4.10 and mc files have them.
// 0.4.92 binds to 127.0.0.1 unless told otherwise; so does mc for its files.

import { ComposeError, formatKeyPath, notInMc } from '../../errors.ts'
import { MODEL_COMPOSE_ADAPTERS } from '../model-compose-names.ts'
import { placeAtPath, placeOf } from '../places.ts'
import { copy, isMap, type Doc } from './doc.ts'
import { checkRuntime } from './runtime.ts'

const MC_ADAPTERS = ['http-server']
const WEBUI_DRIVERS = ['gradio', 'static']

export function normalizeController(doc: Doc): Doc {
  if (!isMap(doc.controller)) return doc
  const controller = copy(doc.controller)
  doc.controller = controller
  refuseType(controller, ['controller', 'type'], doc)
  if ('queue' in controller) {
    throw new ComposeError('"queue" is a model-compose controller feature that mc does not have: mc runs workflows in this process (no Redis queue)', placeOf(controller, 'queue', 'key'), 'controller.queue')
  }
  checkRuntime(controller, doc, ['controller'])
  delete controller.name
  delete controller.threaded
  if (isMap(controller.webui)) {
    const driver = controller.webui.driver
    if (typeof driver === 'string' && !WEBUI_DRIVERS.includes(driver)) {
      throw new ComposeError(notInMc('Web UI driver', driver, WEBUI_DRIVERS), placeAtPath(doc, ['controller', 'webui', 'driver']), 'controller.webui.driver')
    }
  }
  const adapters = adaptersOf(controller, doc)
  if (adapters === undefined) return doc
  adapters.forEach((adapter, i) => refuseType(adapter, ['controller', 'adapters', i, 'type'], doc))
  if (adapters.length !== 1) {
    throw new ComposeError(`mc serves exactly one http-server adapter; this controller has ${adapters.length}`, placeOf(controller, 'adapters', 'key'), 'controller.adapters')
  }
  const adapter = adapters[0]!
  if (adapter.websocket !== undefined && adapter.websocket !== false) {
    throw new ComposeError('mc has no WebSocket endpoint: its streams are Server-Sent Events over HTTP (remove "websocket" or set it to false)', placeOf(adapter, 'websocket', 'key'), 'controller.adapter.websocket')
  }
  for (const [key, value] of Object.entries(adapter)) {
    if (key === 'name' || key === 'websocket') continue
    controller[key] = value
  }
  controller.host ??= '127.0.0.1'
  if (isMap(controller.webui)) controller.webui = { host: '127.0.0.1', ...controller.webui }
  return doc
}

/** `adapter:` (one) or `adapters:` (a list), removed from the controller; undefined when neither. */
function adaptersOf(controller: Doc, doc: Doc): Doc[] | undefined {
  const { adapter, adapters } = controller
  if (adapter !== undefined && adapters !== undefined) {
    throw new ComposeError('use either "adapter" (one) or "adapters" (a list), not both', placeOf(controller, 'adapter', 'key'), 'controller.adapter')
  }
  delete controller.adapter
  delete controller.adapters
  const list = adapter !== undefined ? [adapter] : adapters
  if (list === undefined || list === null) return undefined
  if (!Array.isArray(list) || !list.every(isMap)) {
    throw new ComposeError('expected an adapter: a map with a "type" (http-server)', placeAtPath(doc, ['controller', adapter !== undefined ? 'adapter' : 'adapters']), 'controller.adapter')
  }
  return list
}

function refuseType(item: Doc, path: (string | number)[], doc: Doc): void {
  const type = item.type
  if (typeof type === 'string' && !MC_ADAPTERS.includes(type) && MODEL_COMPOSE_ADAPTERS.includes(type)) {
    throw new ComposeError(notInMc('controller adapter', type, MC_ADAPTERS), placeOf(item, 'type') ?? placeAtPath(doc, path), formatKeyPath(path))
  }
}
