// `mc up`: starts the controller (and Web UI), then the components (managed
// servers, models) in the background, and serves until Ctrl-C / SIGTERM; `-d`
// runs it in the background. Anything that would stop it — a bad setting, a
// port already taken — is found before a single component starts.

import { startHttpServer } from '../../core/controller/http-server.ts'
import { controllerSettingsOf } from '../../core/controller/settings.ts'
import { ensureFetchCap } from '../../core/http/fetch-cap.ts'
import { Runtime } from '../../core/runtime.ts'
import { startWebUi } from '../../core/webui/sidecar.ts'
import type { CliArgs } from '../args.ts'
import { controllerUrl, detach } from '../detach.ts'
import { loadProject } from '../project.ts'
import { onShutdown } from '../shutdown.ts'

export async function upCommand(args: CliArgs): Promise<number> {
  ensureFetchCap()
  const { model, log } = await loadProject(args)
  if (args.detach) return detach(args, controllerUrl(model))
  const settings = controllerSettingsOf(model.env)
  const runtime = new Runtime(model, log)
  await runtime.prepare()
  const server = await startHttpServer({ runtime, log, settings })
  onShutdown(() => server.stop())
  if (model.controller.webui) {
    const webui = startWebUi(model, server.url, settings, log)
    onShutdown(() => webui.stop())
  }
  log.info(`listening on ${server.url} (workflows: ${[...model.workflows.keys()].join(', ') || 'none'})${settings.apiKey ? '; API key required' : ''}`)
  onShutdown(() => runtime.stop())
  // Components come up in the background: runs that arrive first wait for theirs.
  void runtime.start()
  await new Promise(() => {}) // serve until a signal ends the process
  return 0
}
