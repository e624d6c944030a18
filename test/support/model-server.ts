// A stand-in for a model server such as vLLM, for the managed http-server
// tests: an OpenAI-compatible streaming server (test/support/upstream.ts)
// started by command, that can misbehave the ways real servers do.
//
//   bun test/support/model-server.ts --port N [--slow-start S] [--never-healthy]
//       [--exit-at-start CODE] [--crash-after N] [--child] [--stubborn-workers] [--delay-ms MS]

import { parseArgs } from 'node:util'
import { startUpstream } from './upstream.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'slow-start': { type: 'string' },
    'never-healthy': { type: 'boolean' },
    'exit-at-start': { type: 'string' },
    'crash-after': { type: 'string' },
    child: { type: 'boolean' },
    'stubborn-workers': { type: 'boolean' },
    'delay-ms': { type: 'string' },
  },
})

console.log(`model-server: loading weights (pid ${process.pid})`)
if (values['exit-at-start']) {
  console.error('model-server: CUDA out of memory while loading weights')
  process.exit(Number(values['exit-at-start']))
}
if (values.child) {
  // A worker of its own, as real servers start: stopping the server must stop it too.
  const child = Bun.spawn(['sleep', '1000'], { stdio: ['ignore', 'ignore', 'ignore'] })
  console.log(`model-server: worker pid ${child.pid}`)
}
if (values['stubborn-workers']) {
  // Workers that a SIGTERM to the server's process group does not stop: one
  // ignores SIGTERM (only SIGKILL ends it), one left the group (setsid).
  const deaf = Bun.spawn(['sh', '-c', 'trap "" TERM; exec sleep 1000'], { stdio: ['ignore', 'ignore', 'ignore'] })
  const escaped = Bun.spawn(['setsid', 'sleep', '1000'], { stdio: ['ignore', 'ignore', 'ignore'] })
  console.log(`model-server: workers ignoring SIGTERM (pid ${deaf.pid}) and in a session of their own (pid ${escaped.pid})`)
}
if (values['slow-start']) await Bun.sleep(Number(values['slow-start']) * 1000)
const crashAfter = Number(values['crash-after'] ?? 0)
const upstream = startUpstream({
  port: Number(values.port),
  delayMs: Number(values['delay-ms'] ?? 0),
  healthy: !values['never-healthy'],
  onRequest: (count) => {
    if (crashAfter && count > crashAfter) {
      console.error('model-server: segmentation fault')
      process.exit(139)
    }
  },
})
console.log(`model-server: listening on ${upstream.url}`)
