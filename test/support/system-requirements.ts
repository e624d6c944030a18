// Run by `npm test` before the type check and the suites (see package.json):
// makes sure the programs some tests drive from outside the repository are on
// this machine — Debian's Chromium (browser tests; playwright-core never
// downloads a browser), Python's requests and aiohttp (the seed guide's client
// snippets), curl, redis-server (task store and queue tests), and
// prometheus with its promtool (the /metrics tests).
//
// All present (the usual case for a developer): a few file and PATH look-ups,
// nothing printed, exit 0. Some missing: as root with apt-get, one
// `apt-get update` and one `apt-get install -y` of just those packages, their
// output shown as it comes; otherwise (not root, no apt-get, apt-get failing —
// offline) ONE line naming the command that installs them, and exit 1 before
// any test runs. MC_TEST_SKIP (test/support/requirements.ts) leaves a missing
// requirement uninstalled and says loudly that its tests will be skipped.
//
// The checks mirror the tests' own: /usr/bin/chromium (the browser tests),
// `curl` and `redis-server` on PATH, a python3 (PATH's or Debian's) importing
// each module (the seed-client tests).

import { existsSync, readdirSync } from 'node:fs'
import type { Requirement } from './requirements.ts'

const CHROMIUM = '/usr/bin/chromium'
const DEBIAN_PYTHON = '/usr/bin/python3'
const NGINX = '/usr/sbin/nginx'

interface SystemPackage {
  /** Debian's package name. */
  name: string
  present(): boolean
}

/** Does a python3 the tests would use import `module`? Debian's files first (no process), then ask the interpreters. */
function pythonHas(module: string): () => boolean {
  return () => {
    if (existsSync(DEBIAN_PYTHON) && existsSync(`/usr/lib/python3/dist-packages/${module}/__init__.py`)) return true
    return ['python3', DEBIAN_PYTHON].some((python) => {
      try {
        return Bun.spawnSync([python, '-c', `import ${module}`], { stdout: 'ignore', stderr: 'ignore' }).exitCode === 0
      } catch {
        return false // no such interpreter
      }
    })
  }
}

// Every Requirement of test/support/requirements.ts, with the Debian packages that meet it.
const NEEDS: Record<Requirement, SystemPackage[]> = {
  browser: [{ name: 'chromium', present: () => existsSync(CHROMIUM) }],
  python: [
    { name: 'python3-requests', present: pythonHas('requests') },
    { name: 'python3-aiohttp', present: pythonHas('aiohttp') },
  ],
  curl: [{ name: 'curl', present: () => Bun.which('curl') !== null }],
  redis: [{ name: 'redis-server', present: () => Bun.which('redis-server') !== null }],
  prometheus: [{ name: 'prometheus', present: () => Bun.which('prometheus') !== null && Bun.which('promtool') !== null }],
  // A real reverse proxy in front of mc's event streams (test/http/sse-proxy.test.ts); /usr/sbin is not on every PATH.
  nginx: [{ name: 'nginx', present: () => existsSync(NGINX) }],
  // A real PostgreSQL server for the vector store's postgres driver (test/plugins/vector-store/).
  postgres: [{ name: 'postgresql', present: () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`)) }],
}

const log = (line: string) => process.stderr.write(`test requirements: ${line}\n`)

const skipList = (process.env.MC_TEST_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)
const unknown = skipList.filter((name) => !(name in NEEDS))
if (unknown.length > 0) {
  log(`MC_TEST_SKIP names ${unknown.join(', ')}, which is not a requirement (known: ${Object.keys(NEEDS).join(', ')})`)
  process.exit(1)
}
const skipped = new Set(skipList)

function missingNow(): { requirement: Requirement; pkg: SystemPackage }[] {
  const missing: { requirement: Requirement; pkg: SystemPackage }[] = []
  for (const [requirement, packages] of Object.entries(NEEDS) as [Requirement, SystemPackage[]][]) {
    for (const pkg of packages) if (!pkg.present()) missing.push({ requirement, pkg })
  }
  return missing
}

let missing = missingNow()
const skipping = missing.filter((m) => skipped.has(m.requirement))
if (skipping.length > 0) {
  const names = [...new Set(skipping.map((m) => m.requirement))].join(', ')
  process.stderr.write(`\n*** MC_TEST_SKIP: ${skipping.map((m) => m.pkg.name).join(', ')} missing and not installed — the ${names} tests will be SKIPPED ***\n\n`)
}
missing = missing.filter((m) => !skipped.has(m.requirement))
if (missing.length === 0) process.exit(0)

const packages = missing.map((m) => m.pkg.name)
const requirements = [...new Set(missing.map((m) => m.requirement))]
const isRoot = process.getuid?.() === 0
const aptGet = Bun.which('apt-get')
// A machine that never ran `apt-get update` (a fresh container) has no package lists to install from.
const haveLists = (() => {
  try {
    return readdirSync('/var/lib/apt/lists').some((file) => file.includes('_Packages'))
  } catch {
    return false
  }
})()
const sudo = isRoot ? '' : 'sudo '
const installCommand = `${haveLists ? '' : `${sudo}apt-get update && `}${sudo}apt-get install -y ${packages.join(' ')}`
const orSkip = `or set MC_TEST_SKIP=${requirements.join(',')} to skip those tests on purpose`
const what = `${packages.join(', ')} (needed by the ${requirements.join(', ')} tests)`

if (!aptGet) {
  log(`missing ${what} and this machine has no apt-get: on Debian run \`${installCommand}\`, elsewhere install the same with your package manager (${orSkip})`)
  process.exit(1)
}
if (!isRoot) {
  log(`missing ${what}: run \`${installCommand}\` (${orSkip})`)
  process.exit(1)
}

function run(argv: string[]): boolean {
  log(`+ ${argv.join(' ')}`)
  const result = Bun.spawnSync(argv, { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  return result.exitCode === 0
}

log(`missing ${what}: installing with apt-get (running as root)`)
// Error-Mode=any: a failed fetch (offline) makes the update fail instead of a warning; the install still runs on the old lists.
const updated = run([aptGet, 'update', '-o', 'APT::Update::Error-Mode=any'])
const installed = run([aptGet, 'install', '-y', ...packages])
const left = missingNow().filter((m) => !skipped.has(m.requirement)).map((m) => m.pkg.name)
if (left.length > 0) {
  log(`apt-get could not install ${left.join(', ')}${updated ? '' : ' (apt-get update failed: offline, or no Debian mirror reachable?)'}: run \`apt-get update && apt-get install -y ${left.join(' ')}\` once it can (${orSkip})`)
  process.exit(1)
}
log(`installed ${packages.join(', ')}${installed ? '' : ' (apt-get reported an error, but every one of them is now in place)'}`)
