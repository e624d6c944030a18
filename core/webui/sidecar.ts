// The Web UI sidecar: a second server on `webui.port`. `driver: gradio` serves
// the generated page and speaks the Gradio client protocol; `driver: static`
// serves `static_dir`. Either way, runs go to the controller's HTTP API.

import { Elysia } from 'elysia'
import { join, normalize, resolve } from 'node:path'
import type { ComposeModel } from '../compose/model.ts'
import { jsonResponse as json } from '../json-response.ts'
import { listen } from '../listen.ts'
import type { Logger } from '../log.ts'
import { ControllerClient } from './controller-client.ts'
import { API_PREFIX, gradioApiInfo, gradioConfig, GradioQueue } from './gradio-protocol.ts'
import { webUiPage } from './page.ts'

export interface RunningWebUi {
  url: string
  stop(): Promise<void>
}

export function startWebUi(model: ComposeModel, controllerUrl: string, log: Logger): RunningWebUi {
  const webui = model.controller.webui!
  const app = webui.driver === 'static' ? staticApp(resolve(model.baseDir, webui.staticDir)) : gradioApp(new ControllerClient(controllerUrl))
  const url = listen(app, 'webui ', webui.host, webui.port)
  log.info(`web UI (${webui.driver}) on ${url}`)
  return {
    url,
    async stop() {
      await app.stop(true)
    },
  }
}

function gradioApp(controller: ControllerClient) {
  const queue = new GradioQueue(controller)
  return new Elysia()
    .get('/', async () => {
      const workflows = await controller.workflows()
      return new Response(webUiPage(workflows.map((w) => w.title).join(' · ') || 'mc'), { headers: { 'content-type': 'text/html; charset=utf-8' } })
    })
    .get('/ui/workflows', async () => json(await controller.workflows()))
    .post('/ui/run', async ({ request }) => {
      // The controller's answer, re-framed for the page as JSON lines: {"chunk"} per
      // streamed chunk, {"value"} for a whole answer, {"error"} for a failure.
      let body: { workflow_id?: string; input?: Record<string, unknown> }
      try {
        body = JSON.parse((await request.text()) || '{}') as typeof body
      } catch {
        return json({ detail: 'request body is not valid JSON' }, 400)
      }
      const workflows = await controller.workflows()
      const workflow = workflows.find((w) => w.workflow_id === body.workflow_id)
      if (!workflow) return json({ detail: `unknown workflow "${body.workflow_id}"` }, 404)
      const lines = (async function* () {
        try {
          const answer = await controller.run(workflow, body.input ?? {}, request.signal)
          if (answer.kind === 'value') yield `${JSON.stringify({ value: answer.value })}\n`
          else for await (const chunk of answer.chunks) yield `${JSON.stringify({ chunk })}\n`
        } catch (error) {
          yield `${JSON.stringify({ error: (error as Error).message })}\n`
        }
      })()
      return new Response(readableOf(lines), { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' } })
    })
    .get('/config', async ({ request }) => json(gradioConfig(await controller.workflows(), new URL(request.url).origin)))
    .get(`${API_PREFIX}/info`, async () => json(gradioApiInfo(await controller.workflows())))
    .post(`${API_PREFIX}/queue/join`, async ({ request }) => {
      try {
        const body = (await request.json()) as { data?: unknown[]; fn_index?: number; session_hash?: string }
        return json({ event_id: queue.join(body, await controller.workflows()) })
      } catch (error) {
        return json({ detail: (error as Error).message }, 422)
      }
    })
    .get(`${API_PREFIX}/queue/data`, ({ query }) => {
      const events = (async function* () {
        for await (const message of queue.stream(String(query.session_hash ?? ''))) yield `data: ${JSON.stringify(message)}\n\n`
      })()
      return new Response(readableOf(events), { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
    })
}

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

/** `driver: static`: the files of `static_dir`, index.html for `/`. */
function staticApp(root: string) {
  return new Elysia().get('/*', async ({ request }) => {
    const path = decodeURIComponent(new URL(request.url).pathname)
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
    if (!file.startsWith(root)) return json({ detail: 'not found' }, 404)
    const found = Bun.file(file)
    return (await found.exists()) ? new Response(found) : json({ detail: 'not found' }, 404)
  })
}
