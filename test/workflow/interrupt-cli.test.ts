// `mc run` at a job's interrupt, on model-compose 0.4.92's
// examples/job-flow/interrupt (copied under test/fixtures/model-compose/0.4.92/job-flow/interrupt/):
// as `model-compose run` does, each point's message and metadata go to
// stderr; --auto-resume goes on without asking; with no terminal to ask and
// no --auto-resume, the run fails saying so.

import { expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, ROOT, runMc } from '../support/mc.ts'

const EXAMPLE = join(ROOT, 'test/fixtures/model-compose/0.4.92/job-flow/interrupt/model-compose.yml')

test('--auto-resume shows each point and goes on to the output', async () => {
  const dir = composeDir({})
  mkdirSync(join(dir, 'listed'))
  writeFileSync(join(dir, 'listed', 'marker.txt'), 'x')
  const { code, stdout, stderr } = await runMc(['-f', EXAMPLE, 'run', '--auto-resume', '-i', JSON.stringify({ path: join(dir, 'listed') })])
  expect(code).toBe(0)
  expect(JSON.parse(stdout).result).toContain('marker.txt')
  const command = `ls -la "${join(dir, 'listed')}"`
  expect(stderr).toContain(`interrupt at job "__job__", before: About to execute: ${command}\n${JSON.stringify({ command }, null, 2)}\n`)
  expect(stderr).toContain('interrupt at job "__job__", after: Command finished. Review the output.\n')
})

test('without a terminal and without --auto-resume, the run fails naming the option', async () => {
  const { code, stderr } = await runMc(['-f', EXAMPLE, 'run'])
  expect(code).toBe(1)
  expect(stderr).toContain('the run stops for an answer at job "__job__", before, and there is no terminal to ask: use --auto-resume to go on without one')
})
