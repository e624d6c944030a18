// `npm run quickstart`: serves examples/quickstart/compose.yml with `mc up`
// (a local model, no network), asks it for a streamed answer over HTTP the way
// a client would, and prints each SSE chunk the moment it arrives.

import { createParser } from 'eventsource-parser'
import { join } from 'node:path'

const root = join(import.meta.dir, '../..')
const server = Bun.serve({ port: 0, fetch: () => new Response() })
const port = server.port!
server.stop(true)

const prompt = process.argv[2] ?? 'Tell me a story'
const say = (line: string) => process.stderr.write(`quickstart | ${line}\n`)
say(`mc up -f examples/quickstart/compose.yml (port ${port})`)
const mc = Bun.spawn([process.execPath, join(root, 'cli/main.ts'), 'up', '-f', join(import.meta.dir, 'compose.yml')], {
  env: { ...process.env, MC_PORT: String(port) },
  stdout: 'inherit',
  stderr: 'inherit',
})
const api = `http://127.0.0.1:${port}/api`
for (let i = 0; ; i++) {
  if (mc.exitCode !== null) process.exit(mc.exitCode)
  try {
    if ((await fetch(`${api}/health`)).ok) break
  } catch {
    await Bun.sleep(100)
  }
}

say(`POST ${api}/workflows/runs {"input": {"prompt": "${prompt}"}, "output_only": true}`)
const started = performance.now()
const response = await fetch(`${api}/workflows/runs`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ input: { prompt }, output_only: true, wait_for_completion: true }),
})
say(`${response.status} ${response.headers.get('content-type')}`)
let chunks = 0
const parser = createParser({
  onEvent: (event) => {
    chunks++
    process.stdout.write(`  +${(performance.now() - started).toFixed(1).padStart(6)} ms  ${JSON.stringify(event.data)}\n`)
  },
})
const decoder = new TextDecoder()
for await (const bytes of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(bytes, { stream: true }))
say(`${chunks} chunks, each sent the moment the model decoded it. Try it yourself:`)
say(`  npm run mc -- up -f examples/quickstart/compose.yml      # or, with mc on PATH (cli/README.md, "Installing it"): mc up -f ...`)
say(`  curl -N -X POST http://localhost:8080/api/workflows/runs -H "Content-Type: application/json" -d '{"input": {"prompt": "Hi"}, "output_only": true}'`)
mc.kill('SIGTERM')
await mc.exited
