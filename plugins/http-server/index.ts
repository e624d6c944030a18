// The `http-server` component: a model server (vLLM, llama.cpp, ...) that mc
// starts, watches and stops; requests go to it like an http-client's, at
// http://127.0.0.1:<port>, once it is healthy.

import { resolve } from 'node:path'
import { toText } from '../../core/binding/convert.ts'
import { defineComponentPlugin } from '../../core/plugin/api.ts'
import { secondsSetting } from '../../core/settings.ts'
import { bodyLimitsOf } from '../http-client/body.ts'
import { exchange } from '../http-client/exchange.ts'
import { prepareRequest } from '../http-client/request.ts'
import { ManagedProcess } from './managed-process.ts'
import { exitedError, portTaken, waitUntilReady } from './readiness.ts'
import { HttpServerActionSchema, HttpServerSettingsSchema, type HttpServerAction, type HttpServerSettings } from './schema.ts'

/** A list runs as it is; text runs through `sh -c`. */
function commandLine(start: HttpServerSettings['start']): string[] {
  return Array.isArray(start) ? start : ['sh', '-c', start]
}

export const httpServerPlugin = defineComponentPlugin<HttpServerSettings, HttpServerAction>({
  type: 'http-server',
  settings: HttpServerSettingsSchema,
  action: HttpServerActionSchema,
  defaultOutput: '${response}',
  create(settings, { id, env, baseDir, log }) {
    let server: ManagedProcess | undefined
    let ready: Promise<void> | undefined
    let stopping = false
    const limits = bodyLimitsOf(env)
    const graceMs = secondsSetting(env, 'MC_STOP_GRACE_SECONDS', 5, { allowZero: true }) * 1000
    return {
      // Another server on the port would answer in this one's place: refuse before serving.
      async prepare() {
        if (portTaken(settings.port)) {
          throw new Error(`component "${id}": port ${settings.port} is already in use; change "port" or stop what listens there`)
        }
      },
      start() {
        ready ??= (async () => {
          const argv = commandLine(settings.start)
          log.info(`starting: ${argv.join(' ')}`)
          try {
            server = new ManagedProcess(argv, {
              cwd: resolve(baseDir, settings.cwd ?? '.'),
              env: { ...env, ...Object.fromEntries(Object.entries(settings.env ?? {}).map(([k, v]) => [k, toText(v)])) },
              graceMs,
              log,
            })
          } catch (error) {
            throw new Error(`server "${id}" cannot start ${argv[0]}: ${(error as Error).message}`)
          }
          void server.exited.then((code) => (stopping ? log.info('stopped') : log.warn(`exited with code ${code}`)))
          await waitUntilReady(id, settings, server, log)
        })()
        return ready
      },
      async stop() {
        stopping = true
        await server?.stop()
      },
      // mc awaits start() before every run, so a run waits while the server comes up.
      async run(action, { signal, log: runLog }) {
        if (server && server.exitCode !== null) throw exitedError(id, server)
        const request = prepareRequest({ ...action, base_url: `http://127.0.0.1:${settings.port}` })
        return { response: await exchange(request, signal, runLog, limits) }
      },
    }
  },
})

export default httpServerPlugin
