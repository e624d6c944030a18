// The Web UI sidecar: a second server on `webui.port`. `driver: gradio` serves
// the generated page and speaks the Gradio client protocol; `driver: static`
// serves `static_dir`. Either way, runs go to the controller's HTTP API.

import { Elysia } from 'elysia'
import { resolve } from 'node:path'
import type { ComposeModel } from '../model/compose-model.ts'
import type { ControllerSettings } from '../controller/settings.ts'
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
import { switchChoicesOf, withChoices } from './input-choices.ts'
import { pageRoutes } from './page-routes.ts'
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
        : gradioApp(model, (request) => new ControllerClient(controllerUrl, callerOf(request)?.authorization), settings, webUiSettingsOf(model.env)),
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
function gradioApp(model: ComposeModel, controllerFor: (request: Request) => ControllerClient, settings: ControllerSettings, sessions: WebUiSettings) {
  const limits = settings.body
  const queue = new GradioQueue(sessions, settings.keepAliveSeconds)
  const choices = switchChoicesOf(model)
  const workflowsFor = async (request: Request) => withChoices(await controllerFor(request).workflows(), choices)
  return new Elysia()
    .use(pageRoutes({ controllerFor, workflowsFor, limits }))
    .get('/config', async ({ request }) => json(gradioConfig(await workflowsFor(request), new URL(request.url).origin)))
    .get(`${API_PREFIX}/info`, async ({ request }) => json(gradioApiInfo(await workflowsFor(request))))
    .post(`${API_PREFIX}/queue/join`, async ({ request, server }) => {
      const body = await readJsonObject(request, limits)
      const controller = controllerFor(request)
      const workflows = await workflowsFor(request)
      const join = joinRequestOf(body, workflows.length) // a bad field: 422, nothing opened
      // No room for another session or run: 503 with Retry-After.
      return json({ event_id: queue.join(clientIdentity(request, server), join, workflows, controller) })
    })
    // @gradio/client's job.cancel(): {event_id, session_hash, fn_index}, then /reset (nothing to reset here).
    .post(`${API_PREFIX}/cancel`, async ({ request, server }) => {
      const body = await readJsonObject(request, limits)
      const eventId = typeof body.event_id === 'string' ? body.event_id : ''
      return json({ success: queue.cancel(clientIdentity(request, server), sessionHashOf(body.session_hash), eventId) })
    })
    .post(`${API_PREFIX}/reset`, () => json({ success: true }))
    .get(`${API_PREFIX}/queue/data`, ({ query, request, server }) => {
      const sessionHash = sessionHashOf(query.session_hash)
      server?.timeout(request, 0) // an event stream: heartbeats while a run is quiet
      return queue.read(clientIdentity(request, server), sessionHash)
    })
}

/** `driver: static`: the files of `static_dir`. */
function staticApp(root: string) {
  return new Elysia().get('/*', ({ request }) => staticFileResponse(root, request))
}
