// Pass 4b: the controller. model-compose 0.4.92 puts the server under
// `controller.adapter` (or a list, `adapters`). mc serves at most one
// http-server adapter, whose keys move up to `controller` (where 0.4.10 and mc
// files have them, `type: http-server` marking it asked for), at most one
// queue-subscriber adapter (a worker, core/queue/), which moves to
// `controller.subscriber`, and at most one mcp-server adapter (core/mcp/),
// which moves to `controller.mcp` — 0.4.10's `controller.type: mcp-server`
// too, its keys being the adapter's. `controller.queue` stays as it is.
// 0.4.92 binds to 127.0.0.1 unless told otherwise; so does mc for its files.

import { formatKeyPath, notInMc } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { MODEL_COMPOSE_ADAPTERS } from '../../model/model-compose-names.ts'
import { copyPlaces, placeAtPath, placeOf, placeOfObject } from '../../model/places.ts'
import { copy, isMap } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { checkRuntime } from './runtime.ts'

const MC_ADAPTERS = ['http-server', 'queue-subscriber', 'mcp-server']
const WEBUI_DRIVERS = ['gradio', 'static']

/**
 * Where a moved queue-subscriber adapter was written (`controller.adapter` or
 * `controller.adapters[i]`), for messages. Keyed by the adapter's place: later
 * passes copy the adapter (merge, validate), and every copy keeps that place.
 */
const subscriberPaths = new WeakMap<object, (string | number)[]>()

export function subscriberPathOf(subscriber: object): (string | number)[] {
  return subscriberPaths.get(placeOfObject(subscriber) ?? subscriber) ?? ['controller', 'subscriber']
}

/** Where a moved mcp-server adapter was written, as for a queue-subscriber. */
const mcpPaths = new WeakMap<object, (string | number)[]>()

export function mcpPathOf(adapter: object): (string | number)[] {
  return mcpPaths.get(placeOfObject(adapter) ?? adapter) ?? ['controller', 'mcp']
}

export function normalizeController(doc: Doc): Doc {
  if (!isMap(doc.controller)) return doc
  const controller = copy(doc.controller)
  doc.controller = controller
  // The 0.4.10 form names the server's type: http-server or mcp-server.
  refuseType(controller, ['controller', 'type'], doc, ['http-server', 'mcp-server'])
  checkRuntime(controller, doc, ['controller'])
  const mcpAtTop = controller.type === 'mcp-server'
  if (mcpAtTop) moveMcpDown(controller)
  // The MCP server tells clients the controller's name.
  const name = controller.name
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
  adapters.forEach(({ adapter }, i) => refuseType(adapter, ['controller', 'adapters', i, 'type'], doc, MC_ADAPTERS))
  const subscribers = adapters.filter(({ adapter }) => adapter.type === 'queue-subscriber')
  const mcps = adapters.filter(({ adapter }) => adapter.type === 'mcp-server')
  const servers = adapters.filter(({ adapter }) => adapter.type !== 'queue-subscriber' && adapter.type !== 'mcp-server')
  if (servers.length > 1 || subscribers.length > 1 || mcps.length > 1) {
    const [count, type] = servers.length > 1 ? [servers.length, 'http-server'] : subscribers.length > 1 ? [subscribers.length, 'queue-subscriber'] : [mcps.length, 'mcp-server']
    throw new ComposeError(`mc serves at most one adapter of each type; this controller has ${count} ${type} adapters`, placeOf(controller, 'adapters', 'key'), 'controller.adapters')
  }
  if (mcps[0]) {
    const mcp = copy(mcps[0].adapter)
    mcpPaths.set(placeOfObject(mcp) ?? mcp, mcpAtTop ? ['controller'] : mcps[0].path)
    controller.mcp = mcp
  }
  if (isMap(controller.mcp) && typeof name === 'string') controller.mcp.server_name = name
  if (subscribers[0]) {
    const subscriber = copy(subscribers[0].adapter)
    subscriberPaths.set(placeOfObject(subscriber) ?? subscriber, subscribers[0].path)
    controller.subscriber = subscriber
  }
  if (servers[0]) moveServerUp(servers[0].adapter, controller)
  else if (isMap(controller.webui) && !mcps[0]) {
    throw new ComposeError('a Web UI needs an http-server adapter: this controller is a queue worker only', placeOf(controller, 'webui', 'key'), 'controller.webui')
  }
  controller.host ??= '127.0.0.1'
  if (isMap(controller.webui)) controller.webui = { host: '127.0.0.1', ...controller.webui }
  return doc
}

/** The http-server adapter's keys become the controller's; `type` says the file asked for the HTTP API. */
function moveServerUp(adapter: Doc, controller: Doc): void {
  for (const [key, value] of Object.entries(adapter)) {
    if (key === 'name') continue
    controller[key] = value
  }
  controller.type = 'http-server'
  copyPlaces(adapter, controller)
}

/** 0.4.10's `controller.type: mcp-server`: its server keys are the adapter's, as `controller.adapter` would have them. */
function moveMcpDown(controller: Doc): void {
  const adapter: Doc = { type: 'mcp-server' }
  for (const key of ['host', 'port', 'base_path', 'transport']) {
    if (controller[key] === undefined) continue
    adapter[key] = controller[key]
    delete controller[key]
  }
  if (controller.adapter !== undefined || controller.adapters !== undefined) {
    throw new ComposeError('use either "type: mcp-server" (the 0.4.10 form) or "adapter"/"adapters", not both', placeOf(controller, 'type'), 'controller.type')
  }
  copyPlaces(controller, adapter)
  delete controller.type
  controller.adapter = adapter
}

/** `adapter:` (one) or `adapters:` (a list), removed from the controller, each with where it was written; undefined when neither. */
function adaptersOf(controller: Doc, doc: Doc): { adapter: Doc; path: (string | number)[] }[] | undefined {
  const { adapter, adapters } = controller
  if (adapter !== undefined && adapters !== undefined) {
    throw new ComposeError('use either "adapter" (one) or "adapters" (a list), not both', placeOf(controller, 'adapter', 'key'), 'controller.adapter')
  }
  delete controller.adapter
  delete controller.adapters
  const list = adapter !== undefined ? [adapter] : adapters
  if (list === undefined || list === null) return undefined
  if (!Array.isArray(list) || !list.every(isMap)) {
    throw new ComposeError('expected an adapter: a map with a "type" (http-server, mcp-server or queue-subscriber)', placeAtPath(doc, ['controller', adapter !== undefined ? 'adapter' : 'adapters']), 'controller.adapter')
  }
  return list.map((item, i) => ({ adapter: item, path: adapter !== undefined ? ['controller', 'adapter'] : ['controller', 'adapters', i] }))
}

function refuseType(item: Doc, path: (string | number)[], doc: Doc, has: string[]): void {
  const type = item.type
  if (typeof type === 'string' && !has.includes(type) && MODEL_COMPOSE_ADAPTERS.includes(type)) {
    throw new ComposeError(notInMc('controller adapter', type, has), placeOf(item, 'type') ?? placeAtPath(doc, path), formatKeyPath(path))
  }
}
