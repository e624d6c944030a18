// Tests that need something from outside the repository (Debian's Chromium, a
// Python module) never skip in silence: when it is missing the test fails with
// the command that installs it. Only MC_TEST_SKIP (a comma-separated list of
// the names below) lets it skip, and that is printed where nobody can miss it.

import { test } from 'bun:test'

export type Requirement = 'browser' | 'python' | 'curl' | 'redis' | 'prometheus' | 'nginx' | 'postgres'

const skipped = new Set((process.env.MC_TEST_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean))

/**
 * True when the tests needing `what` can run. Otherwise registers a test that
 * fails naming `install` (or, under MC_TEST_SKIP, a loudly skipped one) and
 * returns false.
 */
export function requirementMet(what: Requirement, present: boolean, description: string, install: string): boolean {
  if (present) return true
  if (skipped.has(what)) {
    process.stderr.write(`\n*** SKIPPED: tests that need ${description} (MC_TEST_SKIP=${[...skipped].join(',')}) ***\n\n`)
    test.skip(`SKIPPED on purpose (MC_TEST_SKIP): needs ${description}`, () => {})
    return false
  }
  test(`needs ${description}`, () => {
    throw new Error(`${description} is missing: install it with \`${install}\` (or set MC_TEST_SKIP=${what} to skip these tests on purpose)`)
  })
  return false
}
