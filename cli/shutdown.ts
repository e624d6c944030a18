// Runs cleanup once on Ctrl-C or SIGTERM, then exits (130 / 143). A second
// signal while cleaning up exits at once.

const hooks: (() => Promise<void>)[] = []
let installed = false
let stopping = false

export function onShutdown(hook: () => Promise<void>): void {
  hooks.push(hook)
  if (installed) return
  installed = true
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(code)
      stopping = true
      Promise.allSettled(hooks.map((h) => h())).finally(() => process.exit(code))
    })
  }
}
