// The executable's native-file cache (core/process/native-cache.ts) against a
// library planted where mc will load it: each file's sha256 is checked against
// the embedded bytes before loading (one that differs is rewritten, never
// loaded), and a folder that someone else could change — owned by another user,
// writable by group or others, below a folder of another user's — is refused,
// whichever candidate it is. Real owners, modes and processes: the tests run as
// root; "another user" is uid 65534 (nobody) through chown; a victim who is not
// root runs through setpriv. Each run has a mount namespace of its own with a
// private /dev/shm (a candidate folder), so the machine's is never touched.
// Needs root (unshare, mount) and gcc: the fake native files are a library
// whose constructor notes that it ran, and an "addon" linking it through
// RUNPATH=$ORIGIN, as onnxruntime's addon links its library.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, cpSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryFolder, builtBinary, runCommand } from '../support/binary.ts'
import { ROOT } from '../support/mc.ts'

const OTHER = 65534 // nobody: the user who plants files
const VICTIM = 4242 // not root; setpriv needs no /etc/passwd entry
const VERSION = 'fake-1.0-0123456789ab'
const CHILD = join(ROOT, 'test/support/native-cache-child.ts')
const ADVICE = '— set MC_NATIVE_DIR to a folder of yours (not writable by group or others) that allows executing files'
const SIZE = 64 * 1024 // the real and the planted library, padded with zeros to one size

let base: string
const SRC = () => join(base, 'src') // the "embedded" files: addon.so and libfake.so.1 (answer() is 42)
const PLANTED = () => join(base, 'planted-libfake.so.1') // same size, answer() is 666, notes "planted"
const FILES = () => ['addon.so', 'libfake.so.1'].map((name) => ({ name, source: join(SRC(), name) }))

const library = (name: string, value: number) => `#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void ran(void) {
  const char *path = getenv("NATIVE_MARKER");
  FILE *f = path ? fopen(path, "a") : NULL;
  if (f) { fputs("${name}\\n", f); fclose(f); }
}
int lib_answer(void) { return ${value}; }
`

function gcc(args: string[]): void {
  const ran = Bun.spawnSync(['gcc', ...args], { stderr: 'pipe' })
  if (ran.exitCode !== 0) throw new Error(`these tests compile fake native files with gcc: ${ran.stderr.toString().trim()}`)
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'mc-native-cache-'))
  chmodSync(base, 0o755) // the victim must reach what is inside
  mkdirSync(SRC())
  writeFileSync(join(base, 'good.c'), library('good', 42))
  writeFileSync(join(base, 'planted.c'), library('planted', 666))
  writeFileSync(join(base, 'addon.c'), 'int lib_answer(void);\nint answer(void) { return lib_answer(); }\n')
  const lib = ['-shared', '-fPIC', '-Wl,-soname,libfake.so.1']
  gcc([...lib, '-o', join(SRC(), 'libfake.so.1'), join(base, 'good.c')])
  gcc([...lib, '-o', PLANTED(), join(base, 'planted.c')])
  gcc(['-shared', '-fPIC', '-o', join(SRC(), 'addon.so'), join(base, 'addon.c'), '-L', SRC(), '-l:libfake.so.1', '-Wl,-rpath,$ORIGIN'])
  for (const file of [join(SRC(), 'libfake.so.1'), PLANTED()]) truncateSync(file, SIZE)
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** A folder of this test's own, 0755, with a marker file anyone may append to. */
function testFolder(): { dir: string; marker: string; markers: () => string[] } {
  const dir = mkdtempSync(join(base, 't-'))
  chmodSync(dir, 0o755)
  const marker = join(dir, 'marker')
  writeFileSync(marker, '')
  chmodSync(marker, 0o666)
  return { dir, marker, markers: () => readFileSync(marker, 'utf8').split('\n').filter(Boolean) }
}

/** `candidate` as someone left it: the version folder with the real addon and the planted library. */
function plant(candidate: string, owner: number, modes: { candidate: number; version: number }): void {
  const folder = join(candidate, VERSION)
  mkdirSync(folder, { recursive: true })
  cpSync(join(SRC(), 'addon.so'), join(folder, 'addon.so'))
  cpSync(PLANTED(), join(folder, 'libfake.so.1'))
  for (const path of [candidate, folder, join(folder, 'addon.so'), join(folder, 'libfake.so.1')]) chownSync(path, owner, owner)
  chmodSync(candidate, modes.candidate)
  chmodSync(folder, modes.version)
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

interface ChildRun {
  code: number
  stderr: string
  warnings: string[]
  loaded?: { folder: string; answer: number }
}

/**
 * The cache in a process of its own (test/support/native-cache-child.ts), in a mount
 * namespace with a fresh /dev/shm; `setup` (shell) runs there first, as root, then the
 * child, as `as` (setpriv) when given. `execPath`: the executable the cache thinks it is.
 */
async function runCache(env: Record<string, string>, options: { execPath: string; as?: number; setup?: string }): Promise<ChildRun> {
  const config = JSON.stringify({ folder: VERSION, files: FILES(), entry: 'addon.so', execPath: options.execPath })
  const drop = options.as === undefined ? '' : `setpriv --reuid=${options.as} --regid=${options.as} --clear-groups --`
  const script = `mount -t tmpfs -o mode=1777,size=16m tmpfs /dev/shm || exit 99\n${options.setup ?? ''}\nexec ${drop} "$@"`
  const argv = ['/usr/bin/unshare', '--mount', '--propagation', 'private', '/bin/sh', '-ec', script, 'sh', process.execPath, CHILD, config]
  const proc = Bun.spawn(argv, { env: { ...env, BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' }, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code === 99 || stderr.startsWith('unshare:')) throw new Error(`these tests need root (unshare --mount, mount): ${stderr.trim()}`)
  const warnings = stderr.split('\n').filter((line) => line.startsWith('warning: '))
  return { code, stderr, warnings, ...(code === 0 ? { loaded: JSON.parse(stdout) } : {}) }
}

const sha256 = (path: string) => new Bun.CryptoHasher('sha256').update(readFileSync(path)).digest('hex')
const mode = (path: string) => statSync(path).mode & 0o7777

describe('the native cache, on fake native files', () => {
  test("a same-size file with other bytes in one's own cache is rewritten through a new file, never loaded", async () => {
    const { dir, marker, markers } = testFolder()
    const env = { MC_NATIVE_DIR: join(dir, 'native'), HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'), NATIVE_MARKER: marker }
    const execPath = join(dir, 'bin/mc')
    const folder = join(dir, 'native', VERSION)
    const lib = join(folder, 'libfake.so.1')
    const addon = join(folder, 'addon.so')
    expect((await runCache(env, { execPath })).loaded).toEqual({ folder, answer: 42 })
    // What mc creates: folders and files for its user alone.
    expect([mode(join(dir, 'native')), mode(folder), mode(lib), mode(addon)]).toEqual([0o700, 0o700, 0o700, 0o700])

    writeFileSync(lib, readFileSync(PLANTED())) // in place: same inode, same size, other bytes
    const plantedInode = statSync(lib).ino
    const planted = await runCache(env, { execPath })
    expect(planted.loaded).toEqual({ folder, answer: 42 })
    expect(planted.warnings).toEqual([`warning: the test files: replacing ${lib}: its sha256 differs from the embedded file (corrupt or planted)`])
    expect(sha256(lib)).toBe(sha256(join(SRC(), 'libfake.so.1')))
    expect(statSync(lib).ino).not.toBe(plantedInode) // a new file renamed over it, not written in place

    writeFileSync(lib, Buffer.alloc(SIZE)) // corrupt, same size
    expect((await runCache(env, { execPath })).loaded).toEqual({ folder, answer: 42 })
    expect(sha256(lib)).toBe(sha256(join(SRC(), 'libfake.so.1')))

    chownSync(addon, OTHER, OTHER) // the right bytes, someone else's file
    const foreign = await runCache(env, { execPath })
    expect(foreign.warnings).toEqual([`warning: the test files: replacing ${addon}: owned by uid ${OTHER}, not you (0)`])
    expect(statSync(addon).uid).toBe(0)

    const inodes = [statSync(lib).ino, statSync(addon).ino]
    const again = await runCache(env, { execPath })
    expect([again.loaded?.answer, again.warnings, [statSync(lib).ino, statSync(addon).ino]]).toEqual([42, [], inodes])
    expect(markers()).not.toContain('planted')
  })

  test('a folder or link of another user is refused, saying so, at the cache folder or any folder above; the next is used', async () => {
    const { dir, marker, markers } = testFolder()
    plant(join(dir, 'theirs'), OTHER, { candidate: 0o700, version: 0o755 })
    mkdirSync(join(dir, 'their-home'))
    chownSync(join(dir, 'their-home'), OTHER, OTHER) // root may create folders in it; they could swap them
    mkdirSync(join(dir, 'tmp'))
    chmodSync(join(dir, 'tmp'), 0o1777)
    mkdirSync(join(dir, 'elsewhere'), { mode: 0o700 })
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'tmp/mc-native-0')) // a link to a folder of root's, left by someone else
    lchownSync(join(dir, 'tmp/mc-native-0'), OTHER, OTHER)
    const env = { MC_NATIVE_DIR: join(dir, 'theirs'), XDG_CACHE_HOME: join(dir, 'their-home/cache'), HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'), NATIVE_MARKER: marker }
    const ran = await runCache(env, { execPath: join(dir, 'bin/mc') })
    const used = join('/dev/shm/mc-native-0', VERSION)
    expect(ran.loaded).toEqual({ folder: used, answer: 42 })
    expect(ran.warnings).toEqual([
      `warning: the test files: using ${used}; passed over ${join(dir, 'theirs')}: owned by uid ${OTHER}, not you (0): refused; ` +
        `${join(dir, 'their-home')} (above ${join(dir, 'their-home/cache/mc/native')}): owned by uid ${OTHER}, neither you (0) nor root: refused; ` +
        `${join(dir, 'tmp/mc-native-0')}: a symbolic link owned by uid ${OTHER}, not you (0): refused`,
    ])
    expect(readdirSync(join(dir, 'elsewhere'))).toEqual([])
    expect(markers()).toEqual(['good'])
  })

  test("a folder others can write is refused, one's own included, at every level; a sticky root folder above (/dev/shm) is not", async () => {
    const { dir, marker, markers } = testFolder()
    plant(join(dir, 'open'), OTHER, { candidate: 0o755, version: 0o755 })
    chownSync(join(dir, 'open'), 0, 0)
    chmodSync(join(dir, 'open'), 0o777) // one's own folder, 0777, holding another user's files
    plant(join(dir, 'xdg/mc/native'), 0, { candidate: 0o700, version: 0o770 })
    mkdirSync(join(dir, 'public'), { mode: 0o777 })
    chmodSync(join(dir, 'public'), 0o777) // a shared folder without the sticky bit: anyone may rename what is in it
    const env = { MC_NATIVE_DIR: join(dir, 'open'), XDG_CACHE_HOME: join(dir, 'xdg'), HOME: join(dir, 'home'), TMPDIR: join(dir, 'public'), NATIVE_MARKER: marker }
    const ran = await runCache(env, { execPath: join(dir, 'bin/mc') })
    const used = join('/dev/shm/mc-native-0', VERSION)
    expect(ran.loaded).toEqual({ folder: used, answer: 42 })
    expect(ran.warnings).toEqual([
      `warning: the test files: using ${used}; passed over ` +
        `${join(dir, 'open')}: writable by group and others (mode 0777): refused; chmod go-w it; ` +
        `${join(dir, 'xdg/mc/native', VERSION)}: writable by group (mode 0770): refused; chmod go-w it; ` +
        `${join(dir, 'public')} (above ${join(dir, 'public/mc-native-0')}): writable by group and others (mode 0777) and not sticky: refused; chmod go-w it`,
    ])
    expect(markers()).toEqual(['good'])
  })

  test('a folder on a noexec mount is named as such; a permission error is not blamed on noexec', async () => {
    const { dir, marker } = testFolder()
    mkdirSync(join(dir, 'noexec'))
    mkdirSync(join(dir, 'locked'))
    const env = { MC_NATIVE_DIR: join(dir, 'noexec/native'), XDG_CACHE_HOME: join(dir, 'locked/cache'), TMPDIR: join(dir, 'locked/tmp'), NATIVE_MARKER: marker }
    // Not root: the locked folder (root's, 0755) cannot be written.
    const ran = await runCache(env, { execPath: join(dir, 'bin/mc'), as: VICTIM, setup: `mount -t tmpfs -o noexec,mode=1777,size=16m tmpfs ${quote(join(dir, 'noexec'))}` })
    const used = join(`/dev/shm/mc-native-${VICTIM}`, VERSION)
    expect(ran.loaded).toEqual({ folder: used, answer: 42 })
    expect(ran.warnings).toHaveLength(1)
    const noexec = `${join(dir, 'noexec/native', VERSION)}: cannot execute files there: ${join(dir, 'noexec')} is mounted noexec; `
    expect(ran.warnings[0]).toStartWith(`warning: the test files: using ${used}; passed over ${noexec}`)
    const denied = ran.warnings[0]!.slice(ran.warnings[0]!.indexOf(noexec) + noexec.length)
    expect(denied).toStartWith(`${join(dir, 'locked/cache/mc/native', VERSION)}: EACCES: permission denied`)
    expect(denied).toContain(`; ${join(dir, 'locked/tmp', `mc-native-${VICTIM}`, VERSION)}: EACCES: permission denied`)
    expect(denied).not.toContain('noexec')
  })

  test('not root, with every candidate planted or squatted by another user (the executable in a shared sticky folder): nothing loads, one line says why', async () => {
    const { dir, marker, markers } = testFolder()
    mkdirSync(join(dir, 'attacker-home'))
    chownSync(join(dir, 'attacker-home'), OTHER, OTHER)
    chmodSync(join(dir, 'attacker-home'), 0o777)
    mkdirSync(join(dir, 'tmp'))
    chmodSync(join(dir, 'tmp'), 0o1777)
    plant(join(dir, 'tmp', `mc-native-${VICTIM}`), OTHER, { candidate: 0o755, version: 0o755 })
    mkdirSync(join(dir, 'shared'))
    chmodSync(join(dir, 'shared'), 0o1777)
    plant(join(dir, 'shared/mc-native'), OTHER, { candidate: 0o755, version: 0o755 })
    plant(join(dir, 'shm-squat'), OTHER, { candidate: 0o777, version: 0o777 })
    const env = { HOME: join(dir, 'attacker-home'), TMPDIR: join(dir, 'tmp'), NATIVE_MARKER: marker }
    const setup = `cp -a ${quote(join(dir, 'shm-squat'))} /dev/shm/mc-native-${VICTIM}`
    const ran = await runCache(env, { execPath: join(dir, 'shared/mc'), as: VICTIM, setup })
    expect(ran.code).toBe(1)
    const lines = ran.stderr.trim().split('\n')
    expect(lines).toEqual([
      'error: cannot set up the test files: ' +
        `${join(dir, 'attacker-home')} (above ${join(dir, 'attacker-home/.cache/mc/native')}): owned by uid ${OTHER}, neither you (${VICTIM}) nor root: refused; ` +
        `${join(dir, 'tmp', `mc-native-${VICTIM}`)}: owned by uid ${OTHER}, not you (${VICTIM}): refused; ` +
        `/dev/shm/mc-native-${VICTIM}: owned by uid ${OTHER}, not you (${VICTIM}): refused; ` +
        `${join(dir, 'shared/mc-native')}: owned by uid ${OTHER}, not you (${VICTIM}): refused ${ADVICE}`,
    ])
    expect(markers()).toEqual([])
  })
})

describe('the single executable', () => {
  const ORT = join(ROOT, 'node_modules/onnxruntime-node')
  const ORT_FILES = join(ORT, 'bin/napi-v6', process.platform, process.arch)
  const LIBRARY = 'libonnxruntime.so.1'
  const PROMPT = JSON.stringify({ prompt: 'Hello' })

  /** The cache folder's name: onnxruntime-node's version and a short sha256 of the native files (cli/build/native-runtime-plugin.ts). */
  function nativeFolderName(): string {
    const { version } = JSON.parse(readFileSync(join(ORT, 'package.json'), 'utf8')) as { version: string }
    const hasher = new Bun.CryptoHasher('sha256')
    for (const file of ['onnxruntime_binding.node', LIBRARY]) hasher.update(readFileSync(join(ORT_FILES, file)))
    return `onnxruntime-node-${version}-${hasher.digest('hex').slice(0, 12)}`
  }

  beforeAll(() => builtBinary(), 300_000)

  test(`replaces a planted same-size ${LIBRARY} in its cache without loading it, and runs the model`, async () => {
    const { dir, mc, home, env, remove } = await binaryFolder()
    try {
      cpSync(join(ROOT, 'examples/model-streaming'), join(dir, 'examples/model-streaming'), { recursive: true })
      cpSync(join(ROOT, 'test/fixtures/models'), join(dir, 'test/fixtures/models'), { recursive: true })
      const cwd = join(dir, 'examples/model-streaming')
      const marker = join(dir, 'marker')
      const first = await runCommand([mc, 'run', '-i', PROMPT], cwd, env({ NATIVE_MARKER: marker }))
      expect(first.code).toBe(0)
      // Planted in place: a library whose constructor notes that it ran, padded to the real one's size.
      const lib = join(home, '.cache/mc/native', nativeFolderName(), LIBRARY)
      gcc(['-shared', '-fPIC', `-Wl,-soname,${LIBRARY}`, '-o', join(dir, 'planted.so'), join(base, 'planted.c')])
      truncateSync(join(dir, 'planted.so'), statSync(lib).size)
      writeFileSync(lib, readFileSync(join(dir, 'planted.so')))
      const ran = await runCommand([mc, 'run', '-i', PROMPT], cwd, env({ NATIVE_MARKER: marker }))
      expect(existsSync(marker)).toBe(false)
      expect(ran.code).toBe(0)
      expect(ran.stdout).toBe(first.stdout)
      expect(ran.stdout).toMatch(/^ken token( token)+ \n$/)
      expect(ran.stderr).toContain(`warning: onnxruntime's native files: replacing ${lib}: its sha256 differs from the embedded file (corrupt or planted)`)
      expect(sha256(lib)).toBe(sha256(join(ORT_FILES, LIBRARY)))
    } finally {
      remove()
    }
  })
})
