// Runs cleanup once on Ctrl-C or SIGTERM, then exits (130 / 143). A second
// signal while cleaning up exits at once — unless it comes within a second of
// the first: Ctrl-C under the npm launcher reaches Bun twice (from the
// terminal, and passed on by the launcher), and that is still one request.

const hooks: (() => Promise<void>)[] = []
let installed = false
let firstSignalAt: number | undefined

const ECHO_MS = 1000

export function onShutdown(hook: () => Promise<void>): void {
  hooks.push(hook)
  if (installed) return
  installed = true
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      if (firstSignalAt !== undefined) {
        if (performance.now() - firstSignalAt > ECHO_MS) process.exit(code)
        return
      }
      firstSignalAt = performance.now()
      Promise.allSettled(hooks.map((h) => h())).finally(() => process.exit(code))
    })
  }
}
