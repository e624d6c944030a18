// The `http-server` controller: the HTTP API of SPEC §4 on Elysia. Routes only
// translate HTTP to calls on the runtime and the task store (opened by the
// caller, as `controller.task_store` says, and closed by it after the server stops).

import { cors } from '@elysiajs/cors'
import { Elysia } from 'elysia'
import type { ControllerModel, WorkflowModel } from '../model/compose-model.ts'
import { ByteBudget } from '../byte-budget.ts'
import { badRequest, busy, notFound } from '../errors.ts'
import { apiKeyCheck, callerOf } from '../http/api-key.ts'
import { answerError } from '../http/error-response.ts'
import { jsonResponse } from '../http/json-response.ts'
import { listen } from '../http/listen.ts'
import type { Logger } from '../log.ts'
import { describeBytes } from '../settings.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { ABANDONED } from '../tasks/store/owner-liveness.ts'
import type { TaskStore } from '../tasks/store/task-store.ts'
import { openAiShapedRefusal } from '../openai/openai-error.ts'
import { openAiRoutes } from '../openai/openai-routes.ts'
import { openAiRuns } from './openai-runs.ts'
import { parseEventId, type EventPosition } from './event-id.ts'
import { sharedRunsOf, type SharedRuns } from './shared-runs.ts'
import { readRunBody } from './run-body.ts'
import { handleRun, parseRunRequest } from './run-request.ts'
import { parseResumeRequest, resumeTask } from './resume-task.ts'
import type { ControllerSettings } from './settings.ts'
import { CANCELLED, cancelAnswer, resumePoint, streamAnswer, taskAnswer } from './task-routes.ts'
import { metricsEndpointOf, type MetricsEndpoint } from '../metrics/metrics-endpoint.ts'
import { webSocketSettingsOf } from '../websocket/settings.ts'
import { withSocketKey } from '../websocket/socket-key.ts'
import { socketServerOptions, webSocketRoute } from '../websocket/socket-route.ts'
import { SocketSessions } from '../websocket/socket-sessions.ts'
import { socketHandlers } from './socket-requests.ts'

export interface HttpServerOptions {
  runtime: Runtime
  log: Logger
  settings: ControllerSettings
  store: TaskStore
  /** Shared with the MCP adapter when both serve (shared-runs.ts); its own otherwise. */
  shared?: SharedRuns
}

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

/** What a browser page may send: JSON or a form, a key, an EventSource's resume point. */
const CORS_REQUEST_HEADERS = ['Content-Type', 'Authorization', 'Last-Event-ID', 'Cache-Control', 'Accept']
/** What it may read beyond the safelisted ones: when to come back after a 503, and a stream's task (to cancel it before its first event). */
const CORS_RESPONSE_HEADERS = ['Retry-After', 'X-Task-Id']

/** How long a stopping server waits for its runs' outcomes ("abandoned") to be stored; a run waiting for a human's answer stays interrupted. */
const INTERRUPT_WAIT_MS = 3000

function createHttpApp(options: HttpServerOptions & { shared: SharedRuns; stopping: AbortSignal; metrics?: MetricsEndpoint | undefined }) {
  const { runtime, log, settings, store, stopping } = options
  const { live, slots, admission } = options.shared
  const controller: ControllerModel = runtime.model.controller
  const keepAliveMs = settings.keepAliveSeconds * 1000
  // Request bodies being read, all together: taken as bytes arrive, given back once parsed.
  const bodies = new ByteBudget(settings.bodiesInFlightBytes, (_used, _asked, max) => busy(`mc is busy: request bodies being read take ${describeBytes(max)}, its limit (MC_MAX_BODIES_IN_FLIGHT_BYTES); try again later`))
  // The open WebSocket connections, for HTTP runs that name their session (`?session_id=`).
  const sockets = new SocketSessions()
  const runOptions = { runtime, store, live, slots, admission, keepAliveMs, streamGraceMs: settings.streamGraceSeconds * 1000, taskOutputBytes: settings.taskOutputBytes, journalBytes: settings.taskStreamBytes, stopping, log, sockets }
  const taskOptions = { store, live, keepAliveMs }
  const anyOrigin = controller.origins.includes('*')
  const listedOrigins = anyOrigin ? [] : controller.origins
  const healthPath = `${controller.basePath}/health`
  const metricsPath = `${controller.basePath}/metrics`
  // A run's or a resume's body, its bytes counted among all bodies being read until it is parsed.
  const readBody = async (request: Request): Promise<unknown> => {
    const share = bodies.hold()
    try {
      return await readRunBody(request, { ...settings.body, share }, listedOrigins)
    } finally {
      share.release()
    }
  }
  const checkKey = apiKeyCheck(settings.apiKeys, { scheme: 'Bearer', countRequests: true, log })

  // The OpenAI-compatible front sits at /v1, beside the API's base path (core/openai/); the API's key check covers it too.
  const openAi = controller.openai === false ? new Elysia() : openAiRoutes({ model: runtime.model, runs: openAiRuns(runOptions), bodies, bodyLimits: settings.body })
  const webSocketSettings = settings.webSocket ?? webSocketSettingsOf({})
  // Bun takes WebSocket settings once, for the whole server.
  // The outer app answers what no route takes (an unknown path) in mc's JSON shape too.
  return new Elysia(controller.websocket ? { websocket: socketServerOptions(controller.websocket, webSocketSettings) } : {}).onError(answerError(log)).use(openAi).use(new Elysia({ prefix: controller.basePath })
    // "*" answers `*` and never allows credentials; listed origins are matched exactly.
    // The headers a page may send and read are named (the plugin's default echoes the request's, or says "undefined").
    .use(cors({ origin: anyOrigin ? '*' : listedOrigins, credentials: !anyOrigin, allowedHeaders: CORS_REQUEST_HEADERS, exposeHeaders: CORS_RESPONSE_HEADERS }))
    .onRequest(({ request }) => {
      // MC_METRICS_KEY: /metrics takes that key alone (core/metrics/metrics-endpoint.ts).
      if (options.metrics?.checkKey && new URL(request.url).pathname === metricsPath) return options.metrics.checkKey(request)
      if (checkKey && request.method !== 'OPTIONS' && new URL(request.url).pathname !== healthPath) return openAiShapedRefusal(request, checkKey(withSocketKey(request)))
    })
    .onError(answerError(log))
    // model-compose's WebSocket interface (core/websocket/), on unless `websocket: false`.
    .use(controller.websocket ? webSocketRoute(controller.websocket, webSocketSettings, socketHandlers(runOptions, webSocketSettings), controller.origins, sockets) : new Elysia())
    .get('/health', () => jsonResponse({ status: 'ok' }))
    .get('/metrics', () => {
      if (!options.metrics) throw notFound('metrics are off (MC_METRICS=off)')
      return options.metrics.answer()
    })
    .get('/workflows', ({ query }) => {
      const withSchema = query.include_schema === 'true' || query.include_schema === '1'
      // A private workflow (model-compose's `private: true`) is for the file's components only.
      const served = [...runtime.model.workflows.values()].filter((w) => !w.isPrivate)
      return jsonResponse(served.map((w) => workflowView(w, withSchema, runtime.model.defaultWorkflowId)))
    })
    .get('/workflows/:id/schema', ({ params }) => {
      const workflow = runtime.findWorkflow(params.id)
      if (!workflow || workflow.isPrivate) throw runtime.unknownWorkflow(params.id)
      return jsonResponse(workflowView(workflow, true, runtime.model.defaultWorkflowId))
    })
    .post('/workflows/runs', async ({ request, server }) => {
      // An EventSource (POST polyfill) reconnecting: the stream of the task it was reading, not a new run.
      const resumed = await resumedTask(request, store)
      if (resumed) {
        server?.timeout(request, 0)
        return streamAnswer(resumed.taskId, resumed.seq, taskOptions)
      }
      const body = await readBody(request)
      // The body is in: the answer may take as long as the run (or stream) does.
      server?.timeout(request, 0)
      return handleRun(parseRunRequest(body, new URL(request.url).searchParams.get('session_id')), request.signal, { ...runOptions, caller: callerOf(request) })
    })
    .get('/tasks/:id', ({ params, query }) => taskAnswer(store, params.id, query.output_only === 'true'))
    .get('/tasks/:id/stream', ({ params, request, server }) => {
      const afterSeq = resumePoint(request, params.id)
      server?.timeout(request, 0)
      return streamAnswer(params.id, afterSeq, taskOptions)
    })
    .post('/tasks/:id/resume', async ({ params, request }) => {
      const body = await readBody(request)
      return jsonResponse(await resumeTask(params.id, parseResumeRequest(body), runOptions))
    })
    .post('/tasks/:id/cancel', ({ params, query }) => cancelAnswer(params.id, flagOf(query.wait_for_completion, 'wait_for_completion', true), taskOptions)))
}

export function startHttpServer(options: HttpServerOptions): RunningServer {
  const { settings, store } = options
  const shared = options.shared ?? sharedRunsOf(options.runtime.model.controller, settings)
  const { live } = shared
  const stopping = new AbortController()
  const metrics = metricsEndpointOf(options.runtime, options.runtime.model.env)
  // A cancel asked of another process that shares the store, for a run of this one.
  const unsubscribe = store.onCancelRequest((id) => live.cancel(id, CANCELLED))
  const { host, port, basePath } = options.runtime.model.controller
  try {
    const app = createHttpApp({ ...options, shared, stopping: stopping.signal, metrics })
    // Bun's own cap would answer 413 with an empty body: mc enforces its cap while reading.
    const url = listen(app, '', host, port, { idleTimeoutSeconds: settings.idleTimeoutSeconds, maxRequestBodySize: Number.MAX_SAFE_INTEGER })
    return {
      url: `${url}${basePath}`,
      async stop() {
        stopping.abort()
        await live.interruptAll(ABANDONED, INTERRUPT_WAIT_MS)
        await app.stop(true)
        unsubscribe()
        metrics?.close()
      },
    }
  } catch (error) {
    unsubscribe()
    metrics?.close()
    throw error
  }
}

/** A `Last-Event-ID` on a run request naming a task the store knows: the client resumes it. */
async function resumedTask(request: Request, store: TaskStore): Promise<EventPosition | undefined> {
  const header = request.headers.get('last-event-id')?.trim()
  if (!header) return undefined
  const position = parseEventId(header, 'Last-Event-ID')
  return (await store.get(position.taskId)) ? position : undefined
}

/** A true/false query parameter: 400 naming it otherwise. */
function flagOf(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  if (value === 'true' || value === 'false') return value === 'true'
  throw badRequest(`${name}: expected true or false, got ${JSON.stringify(value)}`)
}

function workflowView(workflow: WorkflowModel, withSchema: boolean, defaultId: string | undefined): Record<string, unknown> {
  return {
    workflow_id: workflow.id,
    title: workflow.title ?? workflow.id,
    default: workflow.id === defaultId,
    ...(withSchema
      ? {
          description: workflow.description ?? null,
          input: workflow.inputSchema,
          output: workflow.outputSchema,
        }
      : {}),
  }
}
