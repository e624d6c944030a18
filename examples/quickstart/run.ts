// `npm run quickstart`: runs examples/quickstart/compose.yml offline. A local
// OpenAI-compatible demo server drips a canned answer word by word, and
// `mc run` prints it as it arrives.

import { join } from 'node:path'
import { startUpstream } from '../../test/support/upstream.ts'

const root = join(import.meta.dir, '../..')
const upstream = startUpstream({
  delayMs: 120,
  reply: 'Once upon a time, a single YAML file asked for a story. The tokens came one by one, each the moment it existed, and nobody waited for the end.',
})
const prompt = process.argv[2] ?? 'Tell me a story'
const mc = Bun.spawn([process.execPath, join(root, 'cli/main.ts'), 'run', join(import.meta.dir, 'compose.yml'), '-i', JSON.stringify({ prompt })], {
  env: { ...process.env, OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'demo' },
  stdout: 'inherit',
  stderr: 'inherit',
})
process.stderr.write(`quickstart: mc run examples/quickstart/compose.yml -i '{"prompt": "${prompt}"}' (demo upstream at ${upstream.url})\n\n`)
const code = await mc.exited
upstream.stop()
process.stderr.write(`\nquickstart: done. Serve it over HTTP with: npx mc up -f examples/quickstart/compose.yml\n`)
process.exit(code)
