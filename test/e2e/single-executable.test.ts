// `npm run build` (cli/build/build.ts) makes one executable that runs mc with
// nothing else installed, local models included. Each test copies it alone into
// an empty folder and runs it with a bare environment (HOME there, no bun or
// node on PATH). Its onnxruntime files go to a versioned, hashed cache folder
// on first model use, with fallbacks when a folder cannot hold executable code.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryFolder, builtBinary, runCommand, startBinary, type BinaryFolder } from '../support/binary.ts'
import { freePort, ROOT } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const ORT = join(ROOT, 'node_modules/onnxruntime-node')
const ORT_VERSION = (JSON.parse(readFileSync(join(ORT, 'package.json'), 'utf8')) as { version: string }).version
const ORT_FILES = join(ORT, 'bin/napi-v6', process.platform, process.arch)
const NATIVE_FILES = ['onnxruntime_binding.node', 'libonnxruntime.so.1'] // Linux: the tests mount file systems
const PROMPT = JSON.stringify({ prompt: 'Hello' })
const EXAMPLE = 'examples/model-streaming'

// The build (a few seconds) happens once, before the first test's clock starts.
beforeAll(() => builtBinary(), 300_000)

/** The examples and the fixture models, copied beside the executable as in the repository (their relative model paths hold). */
function copyExamples(dir: string): void {
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true })
  cpSync(join(ROOT, 'test/fixtures/models'), join(dir, 'test/fixtures/models'), { recursive: true })
}

/** The cache folder's expected name: onnxruntime-node's version and a short sha256 of the native files. */
function nativeFolderName(): string {
  const hasher = new Bun.CryptoHasher('sha256')
  for (const file of NATIVE_FILES) hasher.update(readFileSync(join(ORT_FILES, file)))
  return `onnxruntime-node-${ORT_VERSION}-${hasher.digest('hex').slice(0, 12)}`
}

/** Runs `body` with a fresh tmpfs mounted noexec at a temp folder; fails, saying why, where mounting is not allowed. */
async function withNoexecMount<T>(body: (path: string) => Promise<T>): Promise<T> {
  const path = mkdtempSync(join(tmpdir(), 'mc-noexec-'))
  const mount = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'noexec,size=300m', 'tmpfs', path], { stderr: 'pipe' })
  if (mount.exitCode !== 0) {
    rmSync(path, { recursive: true, force: true })
    throw new Error(`this test mounts a noexec tmpfs and needs root (CAP_SYS_ADMIN): mount said ${mount.stderr.toString().trim()}`)
  }
  try {
    return await body(path)
  } finally {
    Bun.spawnSync(['umount', path])
    rmSync(path, { recursive: true, force: true })
  }
}

let folder: BinaryFolder
afterAll(() => folder?.remove())
const fresh = async () => {
  folder?.remove()
  return (folder = await binaryFolder())
}

test('the executable runs a shell workflow and serves the API and the Web UI; --version and shell-only runs leave no native files', async () => {
  const { dir, mc, home, env } = await fresh()
  const port = freePort()
  const uiPort = freePort()
  await Bun.write(
    join(dir, 'compose.yml'),
    `controller:\n  port: ${port}\n  webui:\n    port: ${uiPort}\nworkflow:\n  title: Echo\ncomponent:\n  type: shell\n  command: [/bin/echo, "hi \${input.name}"]\n  output: \${stdout}\n`,
  )
  expect((await runCommand([mc, '--version'], dir, env())).stdout).toMatch(/^mc \d+\.\d+\.\d+\n$/)
  expect((await runCommand([mc, 'run', '-i', '{"name": "binary"}'], dir, env())).stdout).toBe('hi binary\n')
  const up = await startBinary(mc, dir, env(), `http://127.0.0.1:${port}/api/health`)
  try {
    const page = await fetch(`http://127.0.0.1:${uiPort}/`).then((r) => r.text())
    expect(page).toContain('<title>Echo</title>')
    const answer = await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { name: 'api' } }) })
    expect(((await answer.json()) as { output: string }).output).toBe('hi api')
    // Serving, it runs with Bun's cap on concurrent upstream requests raised, as the npm bin does
    // (Bun reads it only at start: the executable restarts itself in place, same pid, to set it).
    expect(readFileSync(`/proc/${up.pid}/environ`, 'utf8').split('\0')).toContain('BUN_CONFIG_MAX_HTTP_REQUESTS=8192')
  } finally {
    await up.stop()
  }
  expect(existsSync(join(home, '.cache/mc'))).toBe(false)
})

describe('a local model in the executable', () => {
  test('streams over HTTP as SSE, piece by piece, the same text `mc run` gives', async () => {
    const { dir, mc, env } = await fresh()
    copyExamples(dir)
    const cwd = join(dir, EXAMPLE)
    const port = freePort()
    const whole = await runCommand([mc, 'run', '-i', PROMPT], cwd, env())
    expect(whole.code).toBe(0)
    const up = await startBinary(mc, cwd, env({ MC_PORT: String(port) }), `http://127.0.0.1:${port}/api/health`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { prompt: 'Hello' }, output_only: true }) })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      const events: string[] = []
      const decoder = new TextDecoder()
      let text = ''
      for await (const bytes of response.body as ReadableStream<Uint8Array>) {
        text += decoder.decode(bytes, { stream: true })
        events.push(...text.split('\n\n').slice(0, -1))
        text = text.slice(text.lastIndexOf('\n\n') + 2)
      }
      expect(events.length).toBeGreaterThan(1)
      const streamed = events.map((event) => event.replace(/^id: .*\n/, '').replace(/^data: /, '')).join('')
      expect(streamed).toMatch(/^ken token( token)+ $/)
      expect(`${streamed}\n`).toBe(whole.stdout)
    } finally {
      await up.stop()
    }
  })

  test('writes its native files once, into a folder named with version and hash, and later starts reuse them', async () => {
    const { dir, mc, home, env } = await fresh()
    copyExamples(dir)
    const cwd = join(dir, EXAMPLE)
    const cache = join(home, '.cache/mc/native')
    // Two mc starting at once on an empty cache: both run, the files are whole, no temp file is left.
    const [a, b] = await Promise.all([runCommand([mc, 'run', '-i', PROMPT], cwd, env()), runCommand([mc, 'run', '-i', PROMPT], cwd, env())])
    expect([a.code, b.code, a.stdout === b.stdout]).toEqual([0, 0, true])
    expect(readdirSync(cache)).toEqual([nativeFolderName()])
    const native = join(cache, nativeFolderName())
    expect(readdirSync(native).sort()).toEqual([...NATIVE_FILES].sort())
    for (const file of NATIVE_FILES) expect(Bun.hash(readFileSync(join(native, file)))).toBe(Bun.hash(readFileSync(join(ORT_FILES, file))))
    const before = NATIVE_FILES.map((file) => statSync(join(native, file))).map((s) => [s.ino, s.mtimeMs])
    const again = await runCommand([mc, 'run', '-i', PROMPT], cwd, env())
    expect(again.stdout).toBe(a.stdout)
    expect(NATIVE_FILES.map((file) => statSync(join(native, file))).map((s) => [s.ino, s.mtimeMs])).toEqual(before)
    // XDG_CACHE_HOME moves the cache.
    const xdg = join(dir, 'xdg')
    expect((await runCommand([mc, 'run', '-i', PROMPT], cwd, env({ XDG_CACHE_HOME: xdg }))).stdout).toBe(a.stdout)
    expect(readdirSync(join(xdg, 'mc/native'))).toEqual([nativeFolderName()])
  })

  test('runs from a fallback folder when the cache folders are mounted noexec', async () => {
    const { dir, mc, env } = await fresh()
    copyExamples(dir)
    await withNoexecMount(async (noexec) => {
      const home = join(noexec, 'home')
      const tmp = join(dir, 'tmp')
      mkdirSync(home)
      mkdirSync(tmp)
      const ran = await runCommand([mc, 'run', '-i', PROMPT], join(dir, EXAMPLE), env({ HOME: home, MC_NATIVE_DIR: join(noexec, 'native'), TMPDIR: tmp }))
      expect(ran.code).toBe(0)
      expect(ran.stdout).toMatch(/^ken token( token)+ \n$/)
      // The model ran from $TMPDIR: MC_NATIVE_DIR and ~/.cache were passed over, and the one warning says why.
      const fallback = join(tmp, `mc-native-${process.getuid!()}`, nativeFolderName())
      expect(readdirSync(fallback).sort()).toEqual([...NATIVE_FILES].sort())
      const warning = ran.stderr.split('\n').filter((line) => line.includes('warning'))
      expect(warning).toHaveLength(1)
      expect(warning[0]).toContain(`using ${fallback}; passed over ${join(noexec, 'native', nativeFolderName())}: cannot execute files there: ${noexec} is mounted noexec`)
      expect(warning[0]).toContain(join(home, '.cache/mc/native'))
    })
  })

  test('when no folder can hold executable files, one line says what to do, and mc exits non-zero', async () => {
    const { dir } = await fresh()
    copyExamples(dir)
    const noexec = mkdtempSync(join(tmpdir(), 'mc-noexec-'))
    // In a mount namespace of its own (gone when mc exits): every candidate noexec — MC_NATIVE_DIR, ~/.cache,
    // $TMPDIR, /dev/shm — and the executable's own folder read-only.
    const script = `
      mount -t tmpfs -o noexec,size=300m tmpfs "$1" && mount -t tmpfs -o noexec,size=300m tmpfs /dev/shm &&
        mount --bind "$2" "$2" && mount -o remount,bind,ro "$2" || { echo "mount failed" >&2; exit 99; }
      mkdir "$1/native" "$1/home" "$1/tmp"
      cd "$2/${EXAMPLE}" && exec /usr/bin/env -i HOME="$1/home" TMPDIR="$1/tmp" MC_NATIVE_DIR="$1/native" PATH=/nonexistent-bin "$2/mc" run -i '${PROMPT}'`
    try {
      const ran = await runCommand(['/usr/bin/unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', noexec, dir], dir, {})
      if (ran.code === 99 || ran.stderr.startsWith('unshare:')) throw new Error(`this test needs root (unshare --mount, mount): ${ran.stderr.trim()}`)
      expect(ran.code).toBe(1)
      expect(ran.stdout).toBe('')
      const lines = ran.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toStartWith("mc | error: cannot set up onnxruntime's native files: ")
      expect(lines[0]).toEndWith('— set MC_NATIVE_DIR to a folder of yours (not writable by group or others) that allows executing files')
      for (const place of ['native', 'home/.cache/mc/native', `tmp/mc-native-${process.getuid!()}`]) expect(lines[0]).toContain(`${join(noexec, place, nativeFolderName())}: cannot execute files there`)
      expect(lines[0]).toContain(`${join(dir, 'mc-native', nativeFolderName())}: EROFS`)
    } finally {
      rmSync(noexec, { recursive: true, force: true })
    }
  })
})

describe('every example runs with the executable, as with bun (test/e2e/examples.test.ts)', () => {
  let upstream: Upstream
  let shared: BinaryFolder
  beforeAll(async () => {
    upstream = startUpstream()
    shared = await binaryFolder()
    copyExamples(shared.dir)
  })
  afterAll(() => {
    upstream.stop()
    shared.remove()
  })
  const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'examples', e.name, 'compose.yml')))
    .map((e) => e.name)

  for (const name of examples) {
    test(name, async () => {
      const env = shared.env({ OPENAI_BASE_URL: `${upstream.url}/v1`, ANTHROPIC_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'ant-x' })
      const cwd = join(shared.dir, 'examples', name)
      expect((await runCommand([shared.mc, 'validate'], cwd, env)).stdout).toStartWith('ok')
      // Several workflows over a store on disk: run end to end in rag-example.test.ts.
      if (name === 'rag') return
      const input = { prompt: 'Hello', text: '안녕하세요', message: 'Hello', model: 'claude', stream: true }
      const ran = await runCommand([shared.mc, 'run', '-i', JSON.stringify(input)], cwd, env)
      expect(ran.stderr).not.toMatch(/error|warning/)
      expect(ran.code).toBe(0)
      expect(ran.stdout).toMatch(readFileSync(join(cwd, 'compose.yml'), 'utf8').includes('type: model') ? /tok|ken/ : /You said:/)
    })
  }
})

describe('the build fails in one line', () => {
  const build = (root: string, args: string[]) => runCommand([process.execPath, join(root, 'cli/build/build.ts'), ...args], root, { ...process.env } as Record<string, string>)

  test('for a target whose onnxruntime files are not in node_modules', async () => {
    const out = join(tmpdir(), `mc-build-${process.pid}-darwin`)
    const built = await build(ROOT, ['--target', 'bun-darwin-x64', '--outfile', out])
    expect(built.code).toBe(1)
    expect(built.stderr).toBe(`build failed: target bun-darwin-x64: onnxruntime-node has no native files for darwin/x64 (no ${join(ORT, 'bin/napi-v6/darwin/x64')})\n`)
    expect(existsSync(out)).toBe(false)
  })

  test('naming the file and the text when a dependency no longer has the text the build edits', async () => {
    // This tree with a transformers.js whose node entry loads onnxruntime-node another way.
    const root = mkdtempSync(join(tmpdir(), 'mc-build-'))
    try {
      cpSync(join(ROOT, 'cli'), join(root, 'cli'), { recursive: true })
      cpSync(join(ROOT, 'package.json'), join(root, 'package.json'))
      for (const dir of ['core', 'plugins']) symlinkSync(join(ROOT, dir), join(root, dir))
      mkdirSync(join(root, 'node_modules/@huggingface'), { recursive: true })
      for (const name of readdirSync(join(ROOT, 'node_modules'))) if (name !== '@huggingface') symlinkSync(join(ROOT, 'node_modules', name), join(root, 'node_modules', name))
      for (const name of readdirSync(join(ROOT, 'node_modules/@huggingface'))) {
        if (name !== 'transformers') symlinkSync(join(ROOT, 'node_modules/@huggingface', name), join(root, 'node_modules/@huggingface', name))
      }
      const transformers = join(root, 'node_modules/@huggingface/transformers')
      cpSync(join(ROOT, 'node_modules/@huggingface/transformers'), transformers, { recursive: true })
      const entry = join(transformers, 'dist/transformers.node.mjs')
      writeFileSync(entry, readFileSync(entry, 'utf8').replace('requireFromHere("onnxruntime-node")', 'requireFromHere("onnxruntime-node", 1)'))
      const built = await build(root, ['--outfile', join(root, 'mc')])
      expect(built.code).toBe(1)
      const lines = built.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('@huggingface/transformers/dist/transformers.node.mjs no longer contains the text the build replaces: "var onnx_node_default = requireFromHere(\\"onnxruntime-node\\");"')
      expect(existsSync(join(root, 'mc'))).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
