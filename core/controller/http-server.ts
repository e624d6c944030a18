// The `http-server` controller: the HTTP API of SPEC §4 on Elysia. Routes only
// translate HTTP to calls on the runtime and the task store.

import { cors } from '@elysiajs/cors'
import { Elysia } from 'elysia'
import type { ControllerModel, WorkflowModel } from '../compose/model.ts'
import { notFound } from '../errors.ts'
import { apiKeyCheck } from '../http/api-key.ts'
import { answerError } from '../http/error-response.ts'
import { jsonResponse } from '../http/json-response.ts'
import { listen } from '../http/listen.ts'
import type { Logger } from '../log.ts'
import type { Runtime } from '../runtime.ts'
import { Semaphore } from '../workflow/semaphore.ts'
import { readRunBody } from './run-body.ts'
import { handleRun, parseRunRequest } from './run-request.ts'
import type { ControllerSettings } from './settings.ts'
import { taskView, TaskStore } from './tasks.ts'

export interface HttpServerOptions {
  runtime: Runtime
  log: Logger
  settings: ControllerSettings
}

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

export function createHttpApp(options: HttpServerOptions) {
  const { runtime, log, settings } = options
  const controller: ControllerModel = runtime.model.controller
  const tasks = new TaskStore(settings.taskMemoryBytes)
  const slots = new Semaphore(controller.maxConcurrentCount)
  const runOptions = { runtime, tasks, slots, keepAliveMs: settings.keepAliveSeconds * 1000, log }
  const anyOrigin = controller.origins.includes('*')
  const listedOrigins = anyOrigin ? [] : controller.origins
  const healthPath = `${controller.basePath}/health`
  const checkKey = settings.apiKey ? apiKeyCheck(settings.apiKey, 'Bearer') : undefined

  const app = new Elysia({ prefix: controller.basePath })
    // "*" answers `*` and never allows credentials; listed origins are matched exactly.
    .use(cors({ origin: anyOrigin ? '*' : listedOrigins, credentials: !anyOrigin }))
    .onRequest(({ request }) => {
      if (checkKey && request.method !== 'OPTIONS' && new URL(request.url).pathname !== healthPath) return checkKey(request)
    })
    .onError(answerError(log))
    .get('/health', () => jsonResponse({ status: 'ok' }))
    .get('/workflows', ({ query }) => {
      const withSchema = query.include_schema === 'true' || query.include_schema === '1'
      return jsonResponse([...runtime.model.workflows.values()].map((w) => workflowView(w, withSchema, runtime.model.defaultWorkflowId)))
    })
    .get('/workflows/:id/schema', ({ params }) => {
      const workflow = runtime.findWorkflow(params.id)
      if (!workflow) throw notFound(`unknown workflow "${params.id}"`)
      return jsonResponse(workflowView(workflow, true, runtime.model.defaultWorkflowId))
    })
    .post('/workflows/runs', async ({ request, server }) => {
      const body = await readRunBody(request, settings.body, listedOrigins)
      // The body is in: the answer may take as long as the run (or stream) does.
      server?.timeout(request, 0)
      return handleRun(parseRunRequest(body), request.signal, runOptions)
    })
    .get('/tasks/:id', ({ params, query }) => {
      const task = tasks.get(params.id)
      if (!task) {
        const dropped = tasks.droppedTask(params.id)
        if (dropped) return jsonResponse({ detail: dropped.reason, task_id: dropped.task_id, status: dropped.status }, 410)
        throw notFound(`unknown task "${params.id}"`)
      }
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
  // Bun's own cap would answer 413 with an empty body: mc enforces its cap while reading.
  const url = listen(app, '', host, port, { idleTimeoutSeconds: options.settings.idleTimeoutSeconds, maxRequestBodySize: Number.MAX_SAFE_INTEGER })
  return {
    url: `${url}${basePath}`,
    async stop() {
      tasks.abortAll('server stopping')
      await app.stop(true)
    },
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
