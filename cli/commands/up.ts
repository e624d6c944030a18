// `mc up`: starts the controller (and Web UI), then the components (managed
// servers, models) in the background, and serves until Ctrl-C / SIGTERM; `-d`
// runs it in the background. Anything that would stop it — a bad setting, a
// port already taken, an unreachable queue — is found before a single
// component starts. A file with a queue-subscriber adapter is a queue worker:
// it takes runs from Redis (with no HTTP port unless it also has an
// http-server adapter), and when stopped lets its runs finish first. The task
// store is opened here, for the HTTP API, and for a worker when it is Redis
// (the worker then records the runs of entry points sharing it). An mcp-server
// adapter serves the workflows as MCP tools beside (or instead of) the HTTP
// API, on its own port — or on stdin/stdout (`transport: stdio`): then stdout
// carries MCP messages only, and mc stops when its client closes stdin.
// Every run that ends is one line of its log (core/observe/run-log.ts).

import { basename, dirname } from 'node:path'
import { startHttpServer, type RunningServer } from '../../core/controller/http-server.ts'
import { controllerSettingsOf, retentionOf } from '../../core/controller/settings.ts'
import { sharedRunsOf } from '../../core/controller/shared-runs.ts'
import { startMcpAdapter, type RunningMcp } from '../../core/mcp/mcp-adapter.ts'
import { claimStdout } from '../../core/mcp/stdio-transport.ts'
import { ensureFetchCap } from '../../core/http/fetch-cap.ts'
import { QueueSubscriber } from '../../core/queue/worker/subscriber.ts'
import { startRunLog } from '../../core/observe/index.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { openTaskStore } from '../../core/tasks/open-store.ts'
import { startWebUi } from '../../core/webui/sidecar.ts'
import type { CliArgs } from '../invocation/args.ts'
import { adoptHandoff, inBackground, reportReady } from '../detach/background-server.ts'
import { ignoreFolder, IGNORED_NOTE } from '../detach/private-files.ts'
import { servedUrls } from '../detach/served-urls.ts'
import { controllerUrl, detach } from '../detach/detach.ts'
import { loadProject } from '../invocation/project.ts'
import { onShutdown } from '../invocation/shutdown.ts'
import { startTracingOf } from '../invocation/tracing.ts'

export async function upCommand(args: CliArgs): Promise<number> {
  ensureFetchCap()
  // After ensureFetchCap: the executable may start itself again there, and the hand-off is read once.
  adoptHandoff(args)
  const { model, log } = await loadProject(args)
  const { controller } = model
  const stdio = controller.mcp?.transport === 'stdio'
  if (stdio && args.detach) throw new Error('an MCP server on stdio is started by its client: run mc up without -d')
  // Before anything else could write there.
  const stdout = stdio ? claimStdout() : undefined
  if (args.detach) {
    // `mc up -d` waits for the HTTP API to answer; a worker alone has none.
    if (!controller.serveHttp) throw new Error('mc up -d needs an http-server adapter to wait for: run a queue worker in the foreground (or under a process manager)')
    return detach(args, controllerUrl(model))
  }
  const settings = controllerSettingsOf(model.env)
  const runtime = new Runtime(model, log)
  await runtime.prepare()
  const tracing = startTracingOf(model, log)
  // A worker shares a task store with entry points only through Redis: a SQLite file is one folder's.
  const workerRecords = controller.subscriber !== undefined && controller.taskStore.driver === 'redis'
  const store = controller.serveHttp || workerRecords || controller.mcp ? await openTaskStore(controller.taskStore, retentionOf(settings), log) : undefined
  // The background mc's log stamps every line itself.
  const stopRunLog = startRunLog(log, { stamp: !inBackground() })
  const subscriber = controller.subscriber
    ? new QueueSubscriber(runtime, controller.subscriber, controller.maxConcurrentCount, log.child('worker'), workerRecords ? store : undefined)
    : undefined
  let server: RunningServer | undefined
  let webuiUrl: string | undefined
  let mcp: RunningMcp | undefined
  const shared = sharedRunsOf(controller, settings)
  // Runs still going (on the worker, or interrupted by the server) store their outcomes, then the store closes,
  // then the components they used stop.
  onShutdown(async () => {
    await Promise.allSettled([subscriber?.stop(controller.shutdownTimeoutMs), server?.stop(), mcp?.stop()])
    await store?.close()
    await runtime.stop()
    await tracing?.stop()
    stopRunLog()
  })
  if (controller.serveHttp) {
    try {
      server = startHttpServer({ runtime, log, settings, store: store!, shared })
    } catch (error) {
      await store?.close()
      throw error
    }
    if (controller.webui) {
      const webui = startWebUi(model, server.url, settings, log)
      webuiUrl = webui.url
      onShutdown(() => webui.stop())
    }
    const queue = runtime.queue ? `; other workflows go to ${runtime.queue.describe()}` : ''
    log.info(`listening on ${server.url} (workflows: ${[...model.workflows.keys()].join(', ') || 'none'})${queue}${settings.apiKeys ? `; API key required (${settings.apiKeys.describe()})` : ''}`)
  }
  if (controller.mcp) {
    try {
      mcp = await startMcpAdapter({ config: controller.mcp, runtime, store: store!, shared, settings, log, ...(stdout ? { stdout } : {}) })
    } catch (error) {
      await Promise.allSettled([server?.stop()])
      await store?.close()
      throw error
    }
    log.info(`MCP server on ${mcp.where} (tools: ${mcp.tools.join(', ') || 'none'})${settings.apiKeys && !stdio ? '; API key required' : ''}`)
    // Its client is done with it: stop as Ctrl-C would.
    void mcp.closed?.then(() => process.kill(process.pid, 'SIGTERM'))
  }
  // Popping starts last: a task taken by a process that then failed to start would be lost.
  await subscriber?.start()
  // The SQLite store's default folder is `.mc/`, beside the files: git is to leave it out.
  if (store && controller.taskStore.driver === 'sqlite' && basename(dirname(controller.taskStore.path)) === '.mc' && ignoreFolder(dirname(controller.taskStore.path))) log.info(IGNORED_NOTE)
  // Nothing past here stops mc from starting: a waiting `mc up -d` may return.
  reportReady(servedUrls(model, { ...(server ? { api: server.url } : {}), ...(webuiUrl ? { webui: webuiUrl } : {}), ...(mcp && !stdio ? { mcp: mcp.where } : {}) }))
  // Components come up in the background: runs that arrive first wait for theirs.
  void runtime.start()
  await new Promise(() => {}) // serve until a signal ends the process
  return 0
}
