// The `data-queue` component (model-compose 0.4.92's; driver `memory`, the only
// one it has): FIFO queues in mc's memory that one workflow's `enqueue` fills
// and another's `dequeue` drains, e.g. a producer run per request and a
// long-running consumer. `session` keeps items apart in independent
// sub-queues (none: the default one). `dequeue`'s result is an endless stream
// of items, one message each, that ends when its reader stops (the run is
// cancelled, the client leaves). `enqueue` with `spread: true` adds each
// element of a list or stream as its own item; its result is null.
//
// Bounds: `max_size` items a session (model-compose's 0, unbounded, is
// MC_DATA_QUEUE_MAX_ITEMS, 10000, in mc); an enqueue past it fails with 503,
// as model-compose's fails. At most MC_DATA_QUEUE_MAX_SESSIONS (1024) sessions
// hold items or readers at once; an empty, unread session is forgotten.

import { countSetting, defineComponentPlugin, drain, flagOf, HttpError, isStream, markMessages, toText, Type, type Static, type Stream } from '../../core/plugin/api.ts'
import { SessionQueue } from './session-queue.ts'

const DEFAULT_MAX_ITEMS = 10000
const DEFAULT_MAX_SESSIONS = 1024
const DEFAULT_SESSION = '__default__'

const SettingsSchema = Type.Object({
  driver: Type.Optional(Type.Literal('memory', { errorMessage: 'expected memory (the only data-queue driver)' })),
  max_size: Type.Optional(Type.Integer({ minimum: 0, errorMessage: 'expected a whole number, 0 or more' })),
})

const ActionSchema = Type.Object({
  method: Type.Optional(Type.Union([Type.Literal('enqueue'), Type.Literal('dequeue')], { errorMessage: 'expected enqueue or dequeue' })),
  session: Type.Optional(Type.Unknown()),
  item: Type.Optional(Type.Unknown()),
  spread: Type.Optional(Type.Union([Type.Boolean(), Type.String()], { errorMessage: 'expected true or false' })),
})

type DataQueueSettings = Static<typeof SettingsSchema>
type DataQueueAction = Static<typeof ActionSchema>

const dataQueuePlugin = defineComponentPlugin<DataQueueSettings, DataQueueAction>({
  type: 'data-queue',
  settings: SettingsSchema,
  action: ActionSchema,
  defaultOutput: '${result}',
  readsStreams: true,
  checkAction(action) {
    if (action.method === undefined) throw new Error('needs "method": enqueue or dequeue')
    if (action.method === 'enqueue' && !('item' in action)) throw new Error('needs "item" (what enqueue adds)')
  },
  create(settings, { id, env }) {
    const maxSize = settings.max_size || countSetting(env, 'MC_DATA_QUEUE_MAX_ITEMS', DEFAULT_MAX_ITEMS)
    const maxSessions = countSetting(env, 'MC_DATA_QUEUE_MAX_SESSIONS', DEFAULT_MAX_SESSIONS)
    const sessions = new Map<string, SessionQueue>()
    const queueOf = (session: string): SessionQueue => {
      let queue = sessions.get(session)
      if (queue) return queue
      if (sessions.size >= maxSessions) throw new HttpError(503, `data queue '${id}' has ${maxSessions} sessions in use (MC_DATA_QUEUE_MAX_SESSIONS); session '${session}' must wait until one empties`)
      const created = new SessionQueue(maxSize, () => {
        if (sessions.get(session) === created && created.idle) sessions.delete(session)
      })
      sessions.set(session, (queue = created))
      return queue
    }
    const add = (session: string, item: unknown) => {
      if (!queueOf(session).offer(item)) throw new HttpError(503, `data queue '${id}' session '${session}' is full (max_size=${maxSize})`)
    }
    return {
      async run(action) {
        const session = sessionOf(action.session)
        if (action.method === 'dequeue') return { result: markMessages(queueOf(session).consume()) }
        const item = action.item
        if (flagOf(action.spread, 'spread')) {
          if (Array.isArray(item)) {
            for (const element of item) add(session, element)
            return { result: null }
          }
          if (isStream(item)) {
            for await (const element of item as Stream) add(session, element)
            return { result: null }
          }
        }
        add(session, isStream(item) ? await drain(item as Stream) : item)
        return { result: null }
      },
    }
  },
})

function sessionOf(value: unknown): string {
  if (value === null || value === undefined || value === '') return DEFAULT_SESSION
  return toText(value)
}

export default dataQueuePlugin
