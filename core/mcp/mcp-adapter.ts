// model-compose's `mcp-server` controller adapter: the file's workflows as MCP
// tools, over Streamable HTTP (its own port) or stdio. Its runs are the
// controller's (shared-runs.ts): one max_concurrent_count and MC_MAX_RUNS with
// the HTTP API, tasks in the same store, and a cancel through the store (from
// another process, or POST /tasks/{id}/cancel) reaches them.

import type { Writable } from 'node:stream'
import type { ControllerSettings } from '../controller/settings.ts'
import type { SharedRuns } from '../controller/shared-runs.ts'
import type { Logger } from '../log.ts'
import type { McpServerConfig } from '../model/compose-model.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { CANCELLED } from '../controller/task-routes.ts'
import { ABANDONED } from '../tasks/store/owner-liveness.ts'
import type { TaskStore } from '../tasks/store/task-store.ts'
import { startMcpHttp } from './http-transport.ts'
import { mcpSettingsOf } from './mcp-settings.ts'
import { startMcpStdio } from './stdio-transport.ts'
import { workflowToolsOf } from './workflow-tools.ts'

export interface McpAdapterOptions {
  config: McpServerConfig
  runtime: Runtime
  store: TaskStore
  shared: SharedRuns
  settings: ControllerSettings
  log: Logger
  /** For `transport: stdio`: the stdout claimed for MCP messages (stdio-transport.ts). */
  stdout?: Writable
}

export interface RunningMcp {
  /** Where clients reach it: a URL, or "stdin/stdout". */
  where: string
  /** The names of the tools it lists. */
  tools: string[]
  /** With stdio: resolves once the client closed mc's stdin. */
  closed?: Promise<void>
  stop(): Promise<void>
}

/** How long a stopping adapter waits for its runs' outcomes to be stored (as the HTTP API does). */
const INTERRUPT_WAIT_MS = 3000

export async function startMcpAdapter({ config, runtime, store, shared, settings, log, stdout }: McpAdapterOptions): Promise<RunningMcp> {
  const mcpSettings = mcpSettingsOf(runtime.model.env)
  const tools = workflowToolsOf(runtime.model)
  const context = { runtime, store, live: shared.live, slots: shared.slots, admission: shared.admission, taskOutputBytes: settings.taskOutputBytes, journalBytes: settings.taskStreamBytes, log: log.child('mcp') }
  // A cancel asked through the store (another process, or the HTTP API of one that shares it).
  const unsubscribe = store.onCancelRequest((id) => shared.live.cancel(id, CANCELLED))
  // Runs in progress end as the HTTP API's do when mc stops (abandoned), before their calls are closed.
  const stopping = (stop: () => Promise<void>) => () => shared.live.interruptAll(ABANDONED, INTERRUPT_WAIT_MS).then(stop).finally(unsubscribe)
  try {
    if (config.transport === 'stdio') {
      if (!stdout) throw new Error('MCP over stdio needs the process stdout claimed first')
      const running = await startMcpStdio({ config, tools, context, out: stdout, log })
      return { where: 'stdin/stdout', tools: [...tools.keys()], closed: running.closed, stop: stopping(() => running.stop()) }
    }
    const running = startMcpHttp({ config, tools, context, settings, mcpSettings, log })
    return { where: running.url, tools: [...tools.keys()], stop: stopping(() => running.stop()) }
  } catch (error) {
    unsubscribe()
    throw error
  }
}
