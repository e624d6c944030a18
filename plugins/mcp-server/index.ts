// The `mcp-server` component: an MCP server that mc starts, watches and stops
// like an http-server (its `install` and `build` scripts first, `clean` after
// it stopped; the process and all it starts under mc's supervisor). Its actions
// call its tools like an mcp-client's. Over HTTP (model-compose's way) it is
// ready once its port accepts connections, and called at
// http://127.0.0.1:<port><base_path>; with `transport: stdio` (mc's addition)
// it is ready once it answered the MCP handshake on its stdio.

import { resolve } from 'node:path'
import { bodyLimitsOf, ConfigurationError, defineComponentPlugin, describeBytes, raisedBytes, secondsSetting, toMilliseconds, upstreamFailed } from '../../core/plugin/api.ts'
import { ManagedProcess } from '../http-server/managed-process.ts'
import { portTaken, waitUntilReady } from '../http-server/readiness.ts'
import { lifecycleOf, runScripts } from '../http-server/scripts.ts'
import { runToolAction } from '../mcp-client/call.ts'
import { headersOf } from '../mcp-client/credentials.ts'
import { describeServer, streamableHttp } from '../mcp-client/http-transport.ts'
import { DEFAULT_CONNECT_TIMEOUT_SECONDS, McpToolActionSchema, type McpToolAction } from '../mcp-client/schema.ts'
import { McpSession } from '../mcp-client/session.ts'
import { exitedError } from './exited.ts'
import { DEFAULT_PORT, HTTP_ONLY_KEYS, McpServerSettingsSchema, type McpServerSettings } from './schema.ts'
import { StdioServer } from './stdio-server.ts'

/** How long a stdio server that failed the handshake may take to exit, so that its exit code and lines explain it. */
const EXIT_WAIT_MS = 1000

const stdioOnly = (key: string) => new ConfigurationError(`a stdio server has no "${key}": mc speaks MCP to it on its stdin and stdout`, [key])

const mcpServerPlugin = defineComponentPlugin<McpServerSettings, McpToolAction>({
  type: 'mcp-server',
  settings: McpServerSettingsSchema,
  action: McpToolActionSchema,
  defaultOutput: '${response}',
  checkSettings(settings) {
    if (!lifecycleOf(settings).start) {
      throw new ConfigurationError('needs the command that starts the server: "start" (or "manage.start"); for a server mc does not start, use an mcp-client')
    }
    if (settings.transport === 'stdio') for (const key of HTTP_ONLY_KEYS) if (settings[key] !== undefined) throw stdioOnly(key)
  },
  checkAction(action, settings) {
    if (settings.transport === 'stdio' && action.headers !== undefined) throw stdioOnly('headers')
  },
  create(settings, { id, env, baseDir, log }) {
    const lifecycle = lifecycleOf(settings)
    const stdio = settings.transport === 'stdio'
    const port = settings.port ?? DEFAULT_PORT
    const cwd = resolve(baseDir, lifecycle.workingDir ?? '.')
    const processEnv = { ...env, ...lifecycle.env }
    const graceMs = secondsSetting(env, 'MC_STOP_GRACE_SECONDS', 5, { allowZero: true }) * 1000
    let current: ManagedProcess | undefined // the install, build or clean command running now
    const scriptOptions = { id, cwd, env: processEnv, graceMs, log, running: (script?: ManagedProcess) => (current = script) }
    let server: ManagedProcess | StdioServer | undefined
    let ready: Promise<void> | undefined
    let stopping = false
    const limits = bodyLimitsOf(env)
    const url = `http://127.0.0.1:${port}${settings.base_path ?? ''}`
    const what = stdio ? `MCP server "${id}" (stdio)` : describeServer(url)
    const tooLarge = () =>
      upstreamFailed(
        `${what} wrote a message larger than ${describeBytes(limits.maxResponseBytes)}, the most mc reads of one answer (MC_MAX_RESPONSE_BYTES); if that is expected, raise it, e.g. -e MC_MAX_RESPONSE_BYTES=${raisedBytes(limits.maxResponseBytes)}`,
      )
    const session = new McpSession({
      what,
      transport: stdio ? () => (server as StdioServer).transport({ bytes: limits.maxResponseBytes, exceeded: tooLarge }) : streamableHttp(url, headersOf(settings.headers), limits),
      connectTimeoutMs: toMilliseconds(settings.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS),
      log,
    })

    /** Starts the command; resolves once it is ready for MCP calls. */
    const serve = async (argv: string[]) => {
      const options = { cwd, env: processEnv, graceMs, log }
      try {
        server = stdio ? new StdioServer(argv, options) : new ManagedProcess(argv, options)
      } catch (error) {
        throw new Error(`server "${id}" cannot start ${argv[0]}: ${(error as Error).message}`)
      }
      const started = server
      void started.exited.then((code) => (stopping ? log.info('stopped') : log.warn(`exited with code ${code}`)))
      if (!(started instanceof StdioServer)) return waitUntilReady(id, port, {}, started, log)
      try {
        await session.open()
      } catch (error) {
        await Promise.race([started.exited, Bun.sleep(EXIT_WAIT_MS)])
        throw started.exitCode !== null ? exitedError(id, started) : error
      }
      log.info('ready on stdio')
    }

    return {
      // Another server on the port would answer in this one's place: refuse before serving.
      async prepare() {
        if (!stdio && portTaken(port)) throw new Error(`component "${id}": port ${port} is already in use; change "port" or stop what listens there`)
      },
      start() {
        ready ??= (async () => {
          await runScripts('install', lifecycle.install, scriptOptions)
          await runScripts('build', lifecycle.build, scriptOptions)
          if (stopping) throw new Error(`component "${id}" was stopped while it started`)
          log.info(`starting: ${lifecycle.start!.join(' ')}`)
          await serve(lifecycle.start!)
        })()
        return ready
      },
      async stop() {
        stopping = true
        await session.close()
        await Promise.all([current?.stop(), server?.stop()])
        if (ready && lifecycle.clean.length > 0) await runScripts('clean', lifecycle.clean, scriptOptions)
      },
      // mc awaits start() before every run, so a run waits while the server comes up.
      async run(action, { signal }) {
        if (server && server.exitCode !== null) throw exitedError(id, server)
        return runToolAction(session, action, signal)
      },
    }
  },
})

export default mcpServerPlugin
