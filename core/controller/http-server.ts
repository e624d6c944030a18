// The `http-server` controller: the HTTP API of SPEC §4 on Elysia. Routes only
// translate HTTP to calls on the runtime and the task store.

import { cors } from '@elysiajs/cors'
import { Elysia } from 'elysia'
import YAML from 'yaml'
import type { ControllerModel, WorkflowModel } from '../compose/model.ts'
import { badRequest, HttpError, notFound } from '../errors.ts'
import { listen } from '../listen.ts'
import type { Logger } from '../log.ts'
import type { Runtime } from '../runtime.ts'
import { Semaphore } from '../workflow/semaphore.ts'
import { jsonResponse } from '../json-response.ts'
import { errorResponse, handleRun, parseRunRequest } from './run-request.ts'
import { taskView, TaskStore } from './tasks.ts'

export interface HttpServerOptions {
  runtime: Runtime
  log: Logger
  /** Seconds without a chunk before an SSE keep-alive comment goes out. */
  keepAliveSeconds?: number
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

export function createHttpApp(options: HttpServerOptions) {
  const { runtime, log } = options
  const controller: ControllerModel = runtime.model.controller
  const tasks = new TaskStore()
  const slots = new Semaphore(controller.maxConcurrentCount)
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const runOptions = { runtime, tasks, slots, keepAliveMs: (options.keepAliveSeconds ?? 15) * 1000, log }
  const origins = controller.origins.includes('*') ? true : controller.origins

  const app = new Elysia({ prefix: controller.basePath })
    .use(cors({ origin: origins }))
    .onError(({ code, error }) => {
      if (code === 'NOT_FOUND') return jsonResponse({ detail: 'not found' }, 404)
      if (error instanceof HttpError) return errorResponse(error)
      log.error(`unexpected: ${(error as Error)?.stack ?? error}`)
      return jsonResponse({ detail: (error as Error)?.message ?? 'internal error' }, 500)
    })
    .get('/health', () => jsonResponse({ status: 'ok' }))
    .get('/workflows', ({ query }) => {
      const withSchema = query.include_schema === 'true' || query.include_schema === '1'
      return jsonResponse([...runtime.model.workflows.values()].map((w) => workflowView(w, withSchema, runtime.model.defaultWorkflowId)))
    })
    .get('/workflows/:id/schema', ({ params }) => {
      const workflow = runtime.model.workflows.get(params.id)
      if (!workflow) throw notFound(`unknown workflow "${params.id}"`)
      return jsonResponse(workflowView(workflow, true, runtime.model.defaultWorkflowId))
    })
    .post('/workflows/runs', async ({ request }) => {
      const body = await readJson(request, maxBodyBytes)
      return handleRun(parseRunRequest(body), request.signal, runOptions)
    })
    .get('/tasks/:id', ({ params, query }) => {
      const task = tasks.get(params.id)
      if (!task) throw notFound(`unknown task "${params.id}"`)
      if (query.output_only !== 'true') return jsonResponse(taskView(task))
      if (task.status === 'failed') return jsonResponse({ detail: task.error ?? 'failed' }, 500)
      if (task.status !== 'completed') return jsonResponse({ task_id: task.task_id, status: task.status }, 202)
      return jsonResponse(task.output ?? null)
    })

  return { app, tasks }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { app, tasks } = createHttpApp(options)
  const { host, port, basePath } = options.runtime.model.controller
  // Bun's own cap stays above ours, so an oversized body gets our JSON 413.
  const url = listen(app, '', host, port, (options.maxBodyBytes ?? DEFAULT_MAX_BODY) + 1024 * 1024)
  return {
    url: `${url}${basePath}`,
    async stop() {
      tasks.abortAll('server stopping')
      await app.stop(true)
    },
  }
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > maxBytes) throw new HttpError(413, `request body is larger than ${maxBytes} bytes`)
  const text = await request.text()
  if (text.length > maxBytes) throw new HttpError(413, `request body is larger than ${maxBytes} bytes`)
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    // A JSON object with `# comments`, as curl examples often carry (YAML reads JSON and comments).
    if (text.trimStart().startsWith('{')) {
      try {
        const relaxed: unknown = YAML.parse(text)
        if (relaxed !== null && typeof relaxed === 'object') return relaxed
      } catch {
        // fall through to the JSON error
      }
    }
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`)
  }
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
