// The `http-server` component: a model server (vLLM, llama.cpp, ...) that mc
// starts, watches and stops; requests go to it like an http-client's, at
// http://127.0.0.1:<port><base_path>, once it is healthy. Its `install` and
// `build` scripts run before the server starts, every time it starts; `clean`
// runs after it stopped (scripts.ts).

import { resolve } from 'node:path'
import { bodyLimitsOf, ConfigurationError, defineComponentPlugin, secondsSetting, toText } from '../../core/plugin/api.ts'
import { exchange } from '../http-client/exchange.ts'
import { prepareRequest } from '../http-client/request.ts'
import { ManagedProcess } from './managed-process.ts'
import { exitedError, portTaken, waitUntilReady } from './readiness.ts'
import { DEFAULT_PORT, HttpServerActionSchema, HttpServerSettingsSchema, type HttpServerAction, type HttpServerSettings } from './schema.ts'
import { lifecycleOf, runScripts } from './scripts.ts'

const httpServerPlugin = defineComponentPlugin<HttpServerSettings, HttpServerAction>({
  type: 'http-server',
  settings: HttpServerSettingsSchema,
  action: HttpServerActionSchema,
  defaultOutput: '${response}',
  checkAction(action, settings) {
    if (action.completion !== undefined) {
      throw new ConfigurationError('mc does not wait for a completion (a callback or a polled status): the answer to the request is the result', ['completion'])
    }
    if (!lifecycleOf(settings).start) {
      throw new ConfigurationError('needs the command that starts the server: "start" (or "manage.start"); for a server mc does not start, use an http-client')
    }
  },
  create(settings, { id, env, baseDir, log }) {
    const lifecycle = lifecycleOf(settings)
    const port = settings.port ?? DEFAULT_PORT
    const cwd = resolve(baseDir, lifecycle.workingDir ?? settings.cwd ?? '.')
    const processEnv = { ...env, ...Object.fromEntries(Object.entries(settings.env ?? {}).map(([k, v]) => [k, toText(v)])), ...lifecycle.env }
    const graceMs = secondsSetting(env, 'MC_STOP_GRACE_SECONDS', 5, { allowZero: true }) * 1000
    let current: ManagedProcess | undefined // the install, build or clean command running now
    const scriptOptions = { id, cwd, env: processEnv, graceMs, log, running: (script?: ManagedProcess) => (current = script) }
    let server: ManagedProcess | undefined
    let ready: Promise<void> | undefined
    let stopping = false
    const limits = bodyLimitsOf(env)
    return {
      // Another server on the port would answer in this one's place: refuse before serving.
      async prepare() {
        if (portTaken(port)) {
          throw new Error(`component "${id}": port ${port} is already in use; change "port" or stop what listens there`)
        }
      },
      start() {
        ready ??= (async () => {
          await runScripts('install', lifecycle.install, scriptOptions)
          await runScripts('build', lifecycle.build, scriptOptions)
          if (stopping) throw new Error(`component "${id}" was stopped while it started`)
          const argv = lifecycle.start!
          log.info(`starting: ${argv.join(' ')}`)
          try {
            server = new ManagedProcess(argv, { cwd, env: processEnv, graceMs, log })
          } catch (error) {
            throw new Error(`server "${id}" cannot start ${argv[0]}: ${(error as Error).message}`)
          }
          void server.exited.then((code) => (stopping ? log.info('stopped') : log.warn(`exited with code ${code}`)))
          await waitUntilReady(id, port, settings.healthcheck ?? {}, server, log)
        })()
        return ready
      },
      async stop() {
        stopping = true
        await Promise.all([current?.stop(), server?.stop()])
        if (ready && lifecycle.clean.length > 0) {
          await runScripts('clean', lifecycle.clean, scriptOptions)
        }
      },
      // mc awaits start() before every run, so a run waits while the server comes up.
      async run(action, { signal, log: runLog }) {
        if (server && server.exitCode !== null) throw exitedError(id, server)
        const request = prepareRequest({ ...action, base_url: `http://127.0.0.1:${port}${settings.base_path ?? ''}` })
        return { response: await exchange(request, signal, runLog, limits) }
      },
    }
  },
})

export default httpServerPlugin
