// The routes of the Web UI's own page (the Gradio protocol's are gradio-*.ts):
//   GET  /               the page (page.ts)
//   GET  /favicon.ico    its icon
//   GET  /ui/workflows   the workflows with their schemas
//   POST /ui/run         {workflow_id, input} → JSON lines: {"task"} once the task id is
//                        known (the stream's head names it), {"chunk"} per streamed chunk, {"value"} for a whole answer,
//                        {"error"} for a failure. A client that goes cancels the run.
//   POST /ui/cancel      {task_id} → the controller's POST /tasks/{id}/cancel (the Stop button)

import { Elysia } from 'elysia'
import { invalidInput, messageOf } from '../errors.ts'
import { readJsonObject, type BodyLimits } from '../http/json-body.ts'
import { jsonResponse as json } from '../http/json-response.ts'
import type { ControllerClient, WorkflowInfo } from './controller-client.ts'
import { faviconResponse } from './favicon.ts'
import { webUiPage } from './page.ts'

/** Task ids are ULIDs; anything else never reaches the controller. */
const TASK_ID = /^[A-Za-z0-9_-]{1,64}$/

export interface PageRouteDeps {
  controllerFor(request: Request): ControllerClient
  /** The workflows as the page shows them (switch-bound inputs as choices). */
  workflowsFor(request: Request): Promise<WorkflowInfo[]>
  limits: BodyLimits
}

export function pageRoutes({ controllerFor, workflowsFor, limits }: PageRouteDeps) {
  return new Elysia()
    .get('/', async ({ request }) => {
      const workflows = await workflowsFor(request)
      // The browser tab's name: the lone workflow's title, else mc's; the page shows each title once, on its tab.
      const title = workflows.length === 1 ? workflows[0]!.title : 'mc'
      return new Response(webUiPage(title), { headers: { 'content-type': 'text/html; charset=utf-8' } })
    })
    .get('/favicon.ico', () => faviconResponse())
    .get('/ui/workflows', async ({ request }) => json(await workflowsFor(request)))
    .post('/ui/run', async ({ request, server }) => {
      const body = (await readJsonObject(request, limits)) as { workflow_id?: string; input?: Record<string, unknown> }
      server?.timeout(request, 0) // the answer lasts as long as the run
      const controller = controllerFor(request)
      const workflow = (await workflowsFor(request)).find((w) => w.workflow_id === body.workflow_id)
      if (!workflow) return json({ detail: `unknown workflow "${body.workflow_id}"` }, 404)
      const lines = (async function* () {
        const taskIds: string[] = [] // told once: with the answer's head, or its first event
        try {
          const answer = await controller.run(workflow, body.input ?? {}, request.signal, (taskId) => taskIds.push(taskId))
          for (const task of taskIds.splice(0)) yield line({ task })
          if (answer.kind === 'value') yield line({ value: answer.value })
          else
            for await (const chunk of answer.chunks) {
              for (const task of taskIds.splice(0)) yield line({ task })
              yield line({ chunk })
            }
        } catch (error) {
          yield line({ error: messageOf(error) })
        }
      })()
      return new Response(readableOf(lines), { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' } })
    })
    .post('/ui/cancel', async ({ request }) => {
      const { task_id: taskId } = await readJsonObject(request, limits)
      if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) throw invalidInput('task_id must be the id of a task: 1 to 64 characters among A-Z, a-z, 0-9, "_" and "-"')
      await controllerFor(request).cancel(taskId)
      return json({ task_id: taskId, cancelling: true })
    })
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`

/** A response body pulled from text pieces; a client that leaves ends the source. */
function readableOf(pieces: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = pieces[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done) controller.close()
      else controller.enqueue(encoder.encode(next.value))
    },
    cancel() {
      void iterator.return?.()
    },
  })
}
