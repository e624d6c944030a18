// The Web UI sidecar: a second server on `webui.port`. `driver: gradio` serves
// the generated page and speaks the Gradio client protocol; `driver: static`
// serves `static_dir`. Either way, runs go to the controller's HTTP API.

import { Elysia } from 'elysia'
import { resolve } from 'node:path'
import type { ComposeModel } from '../model/compose-model.ts'
import type { ControllerSettings } from '../controller/settings.ts'
import { messageOf } from '../errors.ts'
import { apiKeyCheck, callerOf } from '../http/api-key.ts'
import { answerError } from '../http/error-response.ts'
import { readJsonObject } from '../http/json-body.ts'
import { jsonResponse as json } from '../http/json-response.ts'
import { listen } from '../http/listen.ts'
import type { Logger } from '../log.ts'
import { clientIdentity } from './client-identity.ts'
import { ControllerClient } from './controller-client.ts'
import { joinRequestOf, sessionHashOf } from './gradio-join.ts'
import { API_PREFIX, gradioApiInfo, gradioConfig } from './gradio-protocol.ts'
import { GradioQueue } from './gradio-queue.ts'
import { webUiPage } from './page.ts'
import { staticFileResponse } from './static-files.ts'
import { webUiSettingsOf, type WebUiSettings } from './webui-settings.ts'

export interface RunningWebUi {
  url: string
  stop(): Promise<void>
}

/**
 * With API keys set, every page and call needs one: as a Bearer token (the
 * Gradio clients' `token` option) or as the password of HTTP Basic, which a
 * browser asks for once. Its calls to the controller go with that key, so its
 * limits count there.
 */
export function startWebUi(model: ComposeModel, controllerUrl: string, settings: ControllerSettings, log: Logger): RunningWebUi {
  const webui = model.controller.webui!
  const checkKey = apiKeyCheck(settings.apiKeys, { scheme: 'Basic', countRequests: false, log })
  const app = new Elysia()
    .onRequest(({ request }) => checkKey?.(request))
    .onError(answerError(log))
    .use(
      webui.driver === 'static'
        ? staticApp(resolve(model.baseDir, webui.staticDir))
        : gradioApp((request) => new ControllerClient(controllerUrl, callerOf(request)?.authorization), settings, webUiSettingsOf(model.env)),
    )
  // As for the controller: bodies are capped while read, with a JSON 413, not by Bun.
  const url = listen(app, 'webui ', webui.host, webui.port, { idleTimeoutSeconds: settings.idleTimeoutSeconds, maxRequestBodySize: Number.MAX_SAFE_INTEGER })
  log.info(`web UI (${webui.driver}) on ${url}`)
  return {
    url,
    async stop() {
      await app.stop(true)
    },
  }
}

/** `controllerFor` gives the client of a request's calls to the controller: with its key, whose limits apply. */
function gradioApp(controllerFor: (request: Request) => ControllerClient, settings: ControllerSettings, sessions: WebUiSettings) {
  const limits = settings.body
  const queue = new GradioQueue(sessions, settings.keepAliveSeconds)
  return new Elysia()
    .get('/', async ({ request }) => {
      const workflows = await controllerFor(request).workflows()
      return new Response(webUiPage(workflows.map((w) => w.title).join(' · ') || 'mc'), { headers: { 'content-type': 'text/html; charset=utf-8' } })
    })
    .get('/ui/workflows', async ({ request }) => json(await controllerFor(request).workflows()))
    .post('/ui/run', async ({ request, server }) => {
      // The controller's answer, re-framed for the page as JSON lines: {"chunk"} per
      // streamed chunk, {"value"} for a whole answer, {"error"} for a failure.
      const body = (await readJsonObject(request, limits)) as { workflow_id?: string; input?: Record<string, unknown> }
      server?.timeout(request, 0) // the answer lasts as long as the run
      const controller = controllerFor(request)
      const workflows = await controller.workflows()
      const workflow = workflows.find((w) => w.workflow_id === body.workflow_id)
      if (!workflow) return json({ detail: `unknown workflow "${body.workflow_id}"` }, 404)
      const lines = (async function* () {
        try {
          const answer = await controller.run(workflow, body.input ?? {}, request.signal)
          if (answer.kind === 'value') yield `${JSON.stringify({ value: answer.value })}\n`
          else for await (const chunk of answer.chunks) yield `${JSON.stringify({ chunk })}\n`
        } catch (error) {
          yield `${JSON.stringify({ error: messageOf(error) })}\n`
        }
      })()
      return new Response(readableOf(lines), { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' } })
    })
    .get('/config', async ({ request }) => json(gradioConfig(await controllerFor(request).workflows(), new URL(request.url).origin)))
    .get(`${API_PREFIX}/info`, async ({ request }) => json(gradioApiInfo(await controllerFor(request).workflows())))
    .post(`${API_PREFIX}/queue/join`, async ({ request, server }) => {
      const body = await readJsonObject(request, limits)
      const controller = controllerFor(request)
      const workflows = await controller.workflows()
      const join = joinRequestOf(body, workflows.length) // a bad field: 422, nothing opened
      // No room for another session or run: 503 with Retry-After.
      return json({ event_id: queue.join(clientIdentity(request, server), join, workflows, controller) })
    })
    .get(`${API_PREFIX}/queue/data`, ({ query, request, server }) => {
      const sessionHash = sessionHashOf(query.session_hash)
      server?.timeout(request, 0) // an event stream: heartbeats while a run is quiet
      return queue.read(clientIdentity(request, server), sessionHash)
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

/** `driver: static`: the files of `static_dir`. */
function staticApp(root: string) {
  return new Elysia().get('/*', ({ request }) => staticFileResponse(root, request))
}
