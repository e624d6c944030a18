// Every example file model-compose ships (0.4.10 and 0.4.92, copied under
// test/fixtures/model-compose/): a file using only what mc has must load; a
// file using anything else must be refused with one line that names what mc
// lacks. The classifier below reads the raw YAML on its own, so it cannot
// agree with mc's loader by accident.
import { describe, expect, test } from 'bun:test'
import { Glob } from 'bun'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { loadCompose } from '../../core/compose/load.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'

const ROOT = join(import.meta.dir, '../fixtures/model-compose')

/** What mc has, by model-compose's names. */
const MC = {
  components: ['http-client', 'http-server', 'shell', 'model', 'text-splitter', 'workflow', 'web-scraper', 'mcp-client', 'mcp-server', 'web-browser', 'agent', 'sentence-splitter', 'data-queue', 'datasets', 'model-tokenizer', 'vector-store', 'key-value-store', 'search-engine', 'file-store'],
  tasks: ['text-generation', 'chat-completion', 'text-to-text', 'translation', 'summarization', 'text-embedding', 'text-classification', 'text-reranking'],
  drivers: [undefined, 'huggingface'],
  jobTypes: [undefined, 'action', 'component', 'if', 'switch', 'filter', 'delay', 'random-router', 'for-each'],
  runtimes: [undefined, 'native', 'embedded'],
  adapters: ['http-server', 'queue-subscriber', 'mcp-server'],
}
const SECTIONS = ['controller', 'component', 'components', 'workflow', 'workflows']

type Doc = Record<string, any>
const listOf = (plural: unknown, single: unknown): Doc[] =>
  plural ? (Array.isArray(plural) ? plural : Object.values(plural as Doc)) : single ? [single as Doc] : []

/** Why mc cannot serve this file (what its error may name): empty when it can. */
function outsideMc(doc: Doc): RegExp[] {
  const reasons: RegExp[] = []
  for (const key of Object.keys(doc)) if (!SECTIONS.includes(key)) reasons.push(new RegExp(`"${key}" is a model-compose top-level section`))
  const controller = doc.controller ?? {}
  for (const adapter of listOf(controller.adapters, controller.adapter)) {
    if (!MC.adapters.includes(adapter.type)) reasons.push(new RegExp(`"${adapter.type}" is a model-compose controller adapter`))
  }
  if (controller.type && !['http-server', 'mcp-server'].includes(controller.type)) reasons.push(new RegExp(`"${controller.type}" is a model-compose controller adapter`))
  for (const c of listOf(doc.components, doc.component)) {
    if (!MC.components.includes(c.type)) reasons.push(new RegExp(`"${c.type}" is a model-compose component type`))
    const runtime = typeof c.runtime === 'object' ? c.runtime?.type : c.runtime
    const runtimes = ['shell', 'http-server', 'model'].includes(c.type) ? [...MC.runtimes, 'process'] : MC.runtimes
    // A model's `runtime: process` keeps its settings (the model runs in a child); but for memory and CPU caps.
    if (c.type === 'model' && runtime === 'process') {
      for (const key of ['max_memory', 'cpu_limit']) if (c.runtime[key] != null) reasons.push(/does not cap a child process/)
    } else if (typeof c.runtime === 'object' && Object.keys(c.runtime).length > 1) reasons.push(/is a setting of model-compose's runtimes/)
    if (!runtimes.includes(runtime)) reasons.push(new RegExp(`runtime "${runtime}" is a model-compose runtime`))
    if (c.type === 'web-scraper') {
      // mc fetches pages, it runs no browser
      for (const action of listOf(c.actions, c.action)) if (action.enable_javascript === true || action.submit) reasons.push(/needs a browser/)
      if (c.rate_limit) reasons.push(/rate limit of a scraper/)
    }
    if (c.type === 'web-browser') {
      // mc records no video from a page
      for (const action of listOf(c.actions, c.action)) if (action.method === 'capture-video') reasons.push(/"capture-video" is a model-compose web-browser method/)
    }
    // Stores mc cannot test against a real server here are refused by driver.
    if (c.type === 'vector-store' && !['faiss', 'postgres'].includes(c.driver)) reasons.push(new RegExp(`"${c.driver}"`))
    if (c.type === 'file-store' && c.driver !== undefined && c.driver !== 'local') reasons.push(new RegExp(`"${c.driver}"`))
    if (c.type !== 'model') continue
    if (!MC.tasks.includes(c.task)) reasons.push(new RegExp(`"${c.task}" is a model-compose model task`))
    if (!MC.drivers.includes(c.driver)) reasons.push(new RegExp(`"${c.driver}" is a model-compose model driver`))
    if (c.peft_adapters) reasons.push(/peft_adapters/)
  }
  for (const w of listOf(doc.workflows, doc.workflow)) {
    for (const job of listOf(w.jobs, w.job)) {
      if (!MC.jobTypes.includes(job.type)) reasons.push(new RegExp(`"${job.type}" is a model-compose job type`))
      if (job.hook) reasons.push(/hook/)
    }
    // A binding's default from a variable (`| ${env.X} @(...)`) is empty without it: the files load here with no environment.
    if (/\|\s*\$\{env\.\w+\}\s*@\(/.test(JSON.stringify(w))) reasons.push(/expected a default value after "\|"/)
  }
  return reasons
}

function hasDuplicateKey(text: string): boolean {
  try {
    parse(text)
    return false
  } catch {
    return true
  }
}

function registry(): PluginRegistry {
  const r = new PluginRegistry()
  registerBuiltins(r)
  return r
}

const files = [...new Glob('*/**/model-compose.yml').scanSync(ROOT)].sort()

describe('model-compose example files', () => {
  test('all 171 are here', () => {
    expect(files.filter((f) => f.startsWith('0.4.10/'))).toHaveLength(30)
    expect(files.filter((f) => f.startsWith('0.4.92/'))).toHaveLength(141)
  })

  const cases = files.map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const reasons = outsideMc(parse(text, { uniqueKeys: false }) as Doc)
    // One file ships a duplicate key, which model-compose's PyYAML lets pass and mc refuses.
    if (reasons.length > 0 && hasDuplicateKey(text)) reasons.push(/duplicate key/)
    return { file, reasons }
  })

  test.each(cases.filter((c) => c.reasons.length === 0).map((c) => [c.file]))('%s loads', async (file) => {
    await loadCompose({ files: [join(ROOT, file)], env: {}, registry: registry(), cwd: dirname(join(ROOT, file)) })
  })

  test.each(cases.filter((c) => c.reasons.length > 0).map((c) => [c.file, c.reasons]))('%s is refused, naming what mc lacks', async (file, reasons) => {
    let message = ''
    try {
      await loadCompose({ files: [join(ROOT, file)], env: {}, registry: registry(), cwd: dirname(join(ROOT, file)) })
    } catch (error) {
      message = (error as Error).message
    }
    expect(reasons.some((reason) => reason.test(message)) ? message : `${message}\n  names none of ${reasons.join(' ')}`).toBe(message)
    expect(message).toMatch(/^model-compose\.yml:\d+:\d+: /)
    expect(message.split('\n')).toHaveLength(1)
  })

  test('how many load, per version (printed for the issue note)', () => {
    for (const version of ['0.4.10', '0.4.92']) {
      const mine = cases.filter((c) => c.file.startsWith(version))
      console.log(`${version}: ${mine.filter((c) => c.reasons.length === 0).length} of ${mine.length} use only what mc has`)
    }
    expect(cases.filter((c) => c.reasons.length === 0).length).toBeGreaterThan(30)
  })
})
