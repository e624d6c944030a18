// `mc up`: starts the components (managed servers, models) and the controller,
// and serves until Ctrl-C / SIGTERM; `-d` runs it in the background.

import { startHttpServer } from '../../core/controller/http-server.ts'
import { startWebUi } from '../../core/webui/sidecar.ts'
import { Runtime } from '../../core/runtime.ts'
import type { CliArgs } from '../args.ts'
import { controllerUrl, detach } from '../detach.ts'
import { loadProject } from '../project.ts'
import { onShutdown } from '../shutdown.ts'

export async function upCommand(args: CliArgs): Promise<number> {
  const { model, log } = await loadProject(args)
  if (args.detach) return detach(args, controllerUrl(model))
  const runtime = new Runtime(model, log)
  await runtime.prepare()
  onShutdown(() => runtime.stop())
  // Components come up in the background: runs that arrive first wait for theirs.
  void runtime.start()
  const server = await startHttpServer({
    runtime,
    log,
    keepAliveSeconds: numberFromEnv('MC_SSE_KEEPALIVE_SECONDS', 15),
    maxBodyBytes: numberFromEnv('MC_MAX_BODY_BYTES', 16 * 1024 * 1024),
  })
  onShutdown(() => server.stop())
  log.info(`listening on ${server.url} (workflows: ${[...model.workflows.keys()].join(', ') || 'none'})`)
  if (model.controller.webui) {
    const webui = startWebUi(model, server.url, log)
    onShutdown(() => webui.stop())
  }
  await new Promise(() => {}) // serve until a signal ends the process
  return 0
}

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return process.env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback
}
